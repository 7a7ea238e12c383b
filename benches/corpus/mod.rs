//! A deterministic generator of realistic pilot plans, shared by the
//! throughput benchmark (`benches/throughput.rs`) and the fuzz harness
//! (`tests/fuzz.rs`, as seeds).
//!
//! Plans are for the designated Guangdong pilot cities (Zhongshan with
//! townships), the designated provincial departments, Shenzhen and Foshan
//! (with their own packs) and Beijing; 8 to 40 units each, format version 1.
//! No plan comes from a non-designated issuer, so GD003 (info) never fires.
//! About 70% comply with every rule that applies to them, the city packs'
//! required units and Shenzhen's district focus areas included (no finding
//! of any severity, waived ones aside); the rest carry one to three
//! [`Violation`]s, each with the code cdocheck reports for it after
//! superseding (`GenPlan::codes`). Plan `i` of seed `s` depends on `(s, i)`
//! only: the same seed gives the same bytes, whatever the corpus size, in
//! any order.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// SplitMix64: small, fast and good enough for test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator for item `index` of a stream: independent of the others.
    pub fn for_item(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u32) -> bool {
        self.below(100) < pct as usize
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }
}

/// What a generated plan gets wrong on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Violation {
    /// A unit's CDO post has `rank = "other"`.
    RankOther,
    /// A unit has no `[unit.cdo]`.
    MissingCdo,
    /// A city plan with fewer than three county-level governments.
    TooFewCountyUnits,
    /// `[plan]` has no `contact_agency`.
    MissingContactAgency,
    /// A milestone is due before the plan is published.
    MilestoneBeforePublication,
    /// A format error: an unknown key.
    UnknownKey,
    /// A Beijing plan with fewer than 13 municipal departments.
    TooFewDepartments,
    /// A Beijing plan whose duties leave out `security`.
    MissingSecurityDuty,
    /// A city plan leaves out one of the units its city pack names
    /// (Shenzhen: a pilot bureau; Foshan: Education or Industry and IT;
    /// Beijing: one of the three commissions).
    MissingRequiredUnit,
    /// A Shenzhen pilot district's focus lies outside its designated area.
    FocusOutsideArea,
    /// `rule_packs` names `guangdong-2021` but not the city's own pack
    /// (Shenzhen, Foshan), which then does not apply.
    PackLeftOut,
    /// A `<…>` placeholder is left in a milestone's deliverable.
    Placeholder,
    /// A waiver (of a unit's rank) whose `reason` or `approved_by` is
    /// blank, so it excuses nothing.
    BlankWaiver,
}

impl Violation {
    /// Violations that cannot go together: with [`Violation::PackLeftOut`]
    /// the city pack does not apply, so its own rules find nothing.
    fn clashes(self, other: Violation) -> bool {
        use Violation::*;
        matches!(
            (self, other),
            (PackLeftOut, MissingRequiredUnit | FocusOutsideArea)
                | (MissingRequiredUnit | FocusOutsideArea, PackLeftOut)
        )
    }
}

/// Who issues a plan. Every issuer is a designated pilot of its notice (or
/// Beijing), so GD003 (info: a non-designated issuer) never fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One of the designated Guangdong pilot cities (Shenzhen, Foshan and
    /// Zhongshan aside).
    GuangdongCity,
    /// Zhongshan, a city without districts: townships count.
    Zhongshan,
    Shenzhen,
    Foshan,
    /// One of the six designated provincial departments.
    ProvincialDepartment,
    Beijing,
}

impl Kind {
    /// The unit counts a plan of this kind can have.
    pub fn units(self) -> (usize, usize) {
        match self {
            Kind::GuangdongCity | Kind::Zhongshan => (9, 40),
            Kind::Shenzhen => (13, 40),
            Kind::Foshan => (29, 40),
            Kind::ProvincialDepartment => (8, 26),
            Kind::Beijing => (16, 40),
        }
    }

    fn violations(self) -> &'static [(Violation, u32)] {
        use Violation::*;
        match self {
            Kind::GuangdongCity | Kind::Zhongshan => &[
                (RankOther, 25),
                (MissingCdo, 20),
                (TooFewCountyUnits, 20),
                (MissingContactAgency, 15),
                (MilestoneBeforePublication, 15),
                (UnknownKey, 5),
                (Placeholder, 5),
                (BlankWaiver, 5),
            ],
            Kind::Shenzhen => &[
                (RankOther, 20),
                (MissingCdo, 15),
                (TooFewCountyUnits, 10),
                (MissingRequiredUnit, 15),
                (FocusOutsideArea, 15),
                (PackLeftOut, 10),
                (MissingContactAgency, 10),
                (MilestoneBeforePublication, 10),
                (UnknownKey, 5),
                (Placeholder, 5),
                (BlankWaiver, 5),
            ],
            Kind::Foshan => &[
                (RankOther, 20),
                (MissingCdo, 20),
                (TooFewCountyUnits, 10),
                (MissingRequiredUnit, 15),
                (PackLeftOut, 10),
                (MissingContactAgency, 10),
                (MilestoneBeforePublication, 10),
                (UnknownKey, 5),
                (Placeholder, 5),
                (BlankWaiver, 5),
            ],
            Kind::ProvincialDepartment => &[
                (RankOther, 30),
                (MissingCdo, 25),
                (MissingContactAgency, 20),
                (MilestoneBeforePublication, 20),
                (UnknownKey, 5),
                (Placeholder, 5),
                (BlankWaiver, 5),
            ],
            Kind::Beijing => &[
                (TooFewDepartments, 30),
                (MissingSecurityDuty, 20),
                (MissingRequiredUnit, 20),
                (MilestoneBeforePublication, 20),
                (UnknownKey, 10),
                (Placeholder, 5),
            ],
        }
    }
}

/// One generated plan.
#[derive(Clone, Debug)]
pub struct GenPlan {
    /// A file name, unique within a corpus: `00042-jiangmen.toml`.
    pub file_name: String,
    pub text: String,
    pub kind: Kind,
    pub units: usize,
    pub violations: Vec<Violation>,
    /// The code cdocheck reports for each of `violations`, in order (among
    /// others it may report): it depends on the packs that apply, e.g. a
    /// rank below deputy is SZ002 in Shenzhen (superseding GD005) and GD005
    /// elsewhere.
    pub codes: Vec<&'static str>,
    /// A unit whose rank is `other` under a recorded waiver.
    pub waived: bool,
}

impl GenPlan {
    /// Each violation with the code cdocheck reports for it.
    pub fn expected(&self) -> impl Iterator<Item = (Violation, &'static str)> + '_ {
        self.violations
            .iter()
            .copied()
            .zip(self.codes.iter().copied())
    }
}

/// Plan `index` of the corpus of `seed`.
pub fn generate(seed: u64, index: u64) -> GenPlan {
    let mut rng = Rng::for_item(seed, index);
    let kind = *pick_weighted(
        &mut rng,
        &[
            (Kind::GuangdongCity, 55),
            (Kind::Zhongshan, 5),
            (Kind::Shenzhen, 12),
            (Kind::Foshan, 6),
            (Kind::ProvincialDepartment, 10),
            (Kind::Beijing, 12),
        ],
    );
    let (lo, hi) = kind.units();
    let units = rng.range(lo, hi);
    let mut violations: Vec<Violation> = Vec::new();
    if rng.chance(30) {
        let n = rng.range(1, 3);
        while violations.len() < n {
            let v = *pick_weighted(&mut rng, kind.violations());
            if !violations.iter().any(|&w| w == v || w.clashes(v)) {
                violations.push(v);
            }
        }
    }
    let mut plan = generate_with(&mut rng, kind, units, &violations);
    plan.file_name = format!("{index:05}-{}", plan.file_name);
    plan
}

/// A plan of the given kind and size with exactly these violations.
pub fn generate_with(rng: &mut Rng, kind: Kind, units: usize, violations: &[Violation]) -> GenPlan {
    let mut g = Gen {
        rng,
        out: String::with_capacity(400 * units + 2000),
        violations,
        waived: false,
        unknown_written: false,
        city_pack: true,
        no_cdo_district: false,
    };
    let name = g.plan(kind, units);
    let codes = violations.iter().map(|v| g.code(kind, *v)).collect();
    GenPlan {
        file_name: format!("{name}.toml"),
        text: g.out,
        kind,
        units,
        violations: violations.to_vec(),
        codes,
        waived: g.waived,
    }
}

/// A compliant 30-unit Guangdong city plan (for latency measurements).
pub fn typical_city_plan(seed: u64) -> GenPlan {
    let mut rng = Rng::new(seed);
    generate_with(&mut rng, Kind::GuangdongCity, 30, &[])
}

/// Writes plans `0..n` of `seed` into `dir`; returns how many have
/// violations.
pub fn write_corpus(dir: &Path, seed: u64, n: usize) -> io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut failing = 0;
    for i in 0..n {
        let p = generate(seed, i as u64);
        failing += usize::from(!p.violations.is_empty());
        std::fs::write(dir.join(&p.file_name), p.text)?;
    }
    Ok(failing)
}

fn pick_weighted<'a, T>(rng: &mut Rng, xs: &'a [(T, u32)]) -> &'a T {
    let total: u32 = xs.iter().map(|x| x.1).sum();
    let mut r = rng.below(total as usize) as u32;
    for (x, w) in xs {
        if r < *w {
            return x;
        }
        r -= w;
    }
    &xs[xs.len() - 1].0
}

// ---------------------------------------------------------------------------
// Data: places and bureaus.

struct City {
    en: &'static str,
    zh: &'static str,
    prefix: &'static str,
    /// Districts, county-level cities and counties: (English, Chinese, suffix).
    counties: &'static [(&'static str, &'static str)],
}

const CITIES: &[City] = &[
    City {
        en: "Guangzhou",
        zh: "广州",
        prefix: "gz",
        counties: &[
            ("Yuexiu District", "越秀区"),
            ("Haizhu District", "海珠区"),
            ("Liwan District", "荔湾区"),
            ("Tianhe District", "天河区"),
            ("Baiyun District", "白云区"),
            ("Huangpu District", "黄埔区"),
            ("Panyu District", "番禺区"),
            ("Huadu District", "花都区"),
            ("Nansha District", "南沙区"),
            ("Conghua District", "从化区"),
            ("Zengcheng District", "增城区"),
        ],
    },
    City {
        en: "Zhuhai",
        zh: "珠海",
        prefix: "zh",
        counties: &[
            ("Xiangzhou District", "香洲区"),
            ("Doumen District", "斗门区"),
            ("Jinwan District", "金湾区"),
        ],
    },
    City {
        en: "Shaoguan",
        zh: "韶关",
        prefix: "sg",
        counties: &[
            ("Wujiang District", "武江区"),
            ("Zhenjiang District", "浈江区"),
            ("Qujiang District", "曲江区"),
            ("Lechang City", "乐昌市"),
            ("Nanxiong City", "南雄市"),
            ("Renhua County", "仁化县"),
            ("Shixing County", "始兴县"),
            ("Wengyuan County", "翁源县"),
            ("Xinfeng County", "新丰县"),
            ("Ruyuan Yao Autonomous County", "乳源瑶族自治县"),
        ],
    },
    City {
        en: "Heyuan",
        zh: "河源",
        prefix: "hy",
        counties: &[
            ("Yuancheng District", "源城区"),
            ("Dongyuan County", "东源县"),
            ("Heping County", "和平县"),
            ("Longchuan County", "龙川县"),
            ("Zijin County", "紫金县"),
            ("Lianping County", "连平县"),
        ],
    },
    City {
        en: "Jiangmen",
        zh: "江门",
        prefix: "jm",
        counties: &[
            ("Pengjiang District", "蓬江区"),
            ("Jianghai District", "江海区"),
            ("Xinhui District", "新会区"),
            ("Taishan City", "台山市"),
            ("Kaiping City", "开平市"),
            ("Heshan City", "鹤山市"),
            ("Enping City", "恩平市"),
        ],
    },
    City {
        en: "Maoming",
        zh: "茂名",
        prefix: "mm",
        counties: &[
            ("Maonan District", "茂南区"),
            ("Dianbai District", "电白区"),
            ("Gaozhou City", "高州市"),
            ("Huazhou City", "化州市"),
            ("Xinyi City", "信宜市"),
        ],
    },
    City {
        en: "Zhaoqing",
        zh: "肇庆",
        prefix: "zq",
        counties: &[
            ("Duanzhou District", "端州区"),
            ("Dinghu District", "鼎湖区"),
            ("Gaoyao District", "高要区"),
            ("Sihui City", "四会市"),
            ("Guangning County", "广宁县"),
            ("Huaiji County", "怀集县"),
            ("Fengkai County", "封开县"),
            ("Deqing County", "德庆县"),
        ],
    },
];

const ZHONGSHAN: City = City {
    en: "Zhongshan",
    zh: "中山",
    prefix: "zs",
    counties: &[
        ("Shiqi Subdistrict", "石岐街道"),
        ("East District Subdistrict", "东区街道"),
        ("Torch Development Zone Subdistrict", "火炬开发区街道"),
        ("Xiaolan Town", "小榄镇"),
        ("Guzhen Town", "古镇镇"),
        ("Tanzhou Town", "坦洲镇"),
        ("Huangpu Town", "黄圃镇"),
        ("Sanxiang Town", "三乡镇"),
        ("Nanlang Town", "南朗镇"),
    ],
};

const SHENZHEN: City = City {
    en: "Shenzhen",
    zh: "深圳",
    prefix: "sz",
    // The four pilot districts first: the plan must include them (SZ001).
    counties: &[
        ("Futian District", "福田区"),
        ("Nanshan District", "南山区"),
        ("Bao'an District", "宝安区"),
        ("Pingshan District", "坪山区"),
        ("Luohu District", "罗湖区"),
        ("Yantian District", "盐田区"),
        ("Longgang District", "龙岗区"),
        ("Longhua District", "龙华区"),
        ("Guangming District", "光明区"),
    ],
};

const FOSHAN: City = City {
    en: "Foshan",
    zh: "佛山",
    prefix: "fs",
    counties: &[
        ("Chancheng District", "禅城区"),
        ("Nanhai District", "南海区"),
        ("Shunde District", "顺德区"),
        ("Sanshui District", "三水区"),
        ("Gaoming District", "高明区"),
    ],
};

const BEIJING: City = City {
    en: "Beijing",
    zh: "北京",
    prefix: "bj",
    counties: &[
        ("Dongcheng District", "东城区"),
        ("Xicheng District", "西城区"),
        ("Chaoyang District", "朝阳区"),
        ("Haidian District", "海淀区"),
        ("Fengtai District", "丰台区"),
        ("Shijingshan District", "石景山区"),
        ("Mentougou District", "门头沟区"),
        ("Fangshan District", "房山区"),
        ("Tongzhou District", "通州区"),
        ("Shunyi District", "顺义区"),
        ("Changping District", "昌平区"),
        ("Daxing District", "大兴区"),
        ("Huairou District", "怀柔区"),
        ("Pinggu District", "平谷区"),
        ("Miyun District", "密云区"),
        ("Yanqing District", "延庆区"),
    ],
};

/// All 21 cities of Guangdong, for the provincial departments' city bureaus.
const GUANGDONG_CITIES: &[(&str, &str, &str)] = &[
    ("Guangzhou", "广州", "gz"),
    ("Shenzhen", "深圳", "sz"),
    ("Zhuhai", "珠海", "zh"),
    ("Shantou", "汕头", "st"),
    ("Foshan", "佛山", "fs"),
    ("Shaoguan", "韶关", "sg"),
    ("Heyuan", "河源", "hy"),
    ("Meizhou", "梅州", "mz"),
    ("Huizhou", "惠州", "hz"),
    ("Shanwei", "汕尾", "sw"),
    ("Dongguan", "东莞", "dg"),
    ("Zhongshan", "中山", "zs"),
    ("Jiangmen", "江门", "jm"),
    ("Yangjiang", "阳江", "yj"),
    ("Zhanjiang", "湛江", "zj"),
    ("Maoming", "茂名", "mm"),
    ("Zhaoqing", "肇庆", "zq"),
    ("Qingyuan", "清远", "qy"),
    ("Chaozhou", "潮州", "cz"),
    ("Jieyang", "揭阳", "jy"),
    ("Yunfu", "云浮", "yf"),
];

/// A city bureau: id suffix, English name (after "<City> Municipal "),
/// Chinese name (after "<城>市"), and kind.
type Bureau = (&'static str, &'static str, &'static str, &'static str);

/// The eight Shenzhen pilot units come first (SZ001 requires them).
const BUREAUS: &[Bureau] = &[
    ("psb", "Public Security Bureau", "公安局", "department"),
    (
        "hrss",
        "Human Resources and Social Security Bureau",
        "人力资源和社会保障局",
        "department",
    ),
    (
        "nr",
        "Planning and Natural Resources Bureau",
        "规划和自然资源局",
        "department",
    ),
    (
        "ee",
        "Ecology and Environment Bureau",
        "生态环境局",
        "department",
    ),
    (
        "amr",
        "Administration for Market Regulation",
        "市场监督管理局",
        "department",
    ),
    (
        "hsa",
        "Healthcare Security Administration",
        "医疗保障局",
        "department",
    ),
    (
        "lfsb",
        "Local Financial Supervision and Administration Bureau",
        "地方金融监督管理局",
        "department",
    ),
    ("met", "Meteorological Bureau", "气象局", "department"),
    (
        "gsdmb",
        "Government Service Data Management Bureau",
        "政务服务数据管理局",
        "department",
    ),
    (
        "drc",
        "Development and Reform Commission",
        "发展和改革委员会",
        "department",
    ),
    ("edu", "Education Bureau", "教育局", "department"),
    (
        "st",
        "Science and Technology Bureau",
        "科学技术局",
        "department",
    ),
    (
        "iit",
        "Industry and Information Technology Bureau",
        "工业和信息化局",
        "department",
    ),
    ("ca", "Civil Affairs Bureau", "民政局", "department"),
    ("just", "Justice Bureau", "司法局", "department"),
    ("fin", "Finance Bureau", "财政局", "department"),
    (
        "hurd",
        "Housing and Urban-Rural Development Bureau",
        "住房和城乡建设局",
        "department",
    ),
    ("tr", "Transport Bureau", "交通运输局", "department"),
    ("wr", "Water Affairs Bureau", "水务局", "department"),
    (
        "ara",
        "Agriculture and Rural Affairs Bureau",
        "农业农村局",
        "department",
    ),
    ("com", "Commerce Bureau", "商务局", "department"),
    (
        "crtt",
        "Culture, Radio, Television, Tourism and Sports Bureau",
        "文化广电旅游体育局",
        "department",
    ),
    ("hc", "Health Commission", "卫生健康委员会", "department"),
    (
        "em",
        "Emergency Management Bureau",
        "应急管理局",
        "department",
    ),
    ("aud", "Audit Bureau", "审计局", "department"),
    ("stat", "Statistics Bureau", "统计局", "department"),
    (
        "um",
        "Urban Management and Comprehensive Law Enforcement Bureau",
        "城市管理和综合执法局",
        "department",
    ),
    (
        "va",
        "Veterans Affairs Bureau",
        "退役军人事务局",
        "department",
    ),
    ("for", "Forestry Bureau", "林业局", "department"),
    (
        "sasac",
        "State-owned Assets Supervision and Administration Commission",
        "国有资产监督管理委员会",
        "department",
    ),
    (
        "era",
        "Ethnic and Religious Affairs Bureau",
        "民族宗教事务局",
        "department",
    ),
    ("ps", "Port Services Bureau", "口岸办公室", "department"),
    (
        "gao",
        "General Office of the People's Government",
        "人民政府办公室",
        "department",
    ),
    (
        "hpf",
        "Housing Provident Fund Management Centre",
        "住房公积金管理中心",
        "institution",
    ),
    (
        "prtc",
        "Public Resources Trading Centre",
        "公共资源交易中心",
        "institution",
    ),
    ("bdc", "Big Data Centre", "大数据中心", "institution"),
];

/// The six designated provincial departments: id, English, Chinese, the
/// city bureau's English and Chinese names.
const PROVINCIAL: &[(&str, &str, &str, &str, &str)] = &[
    (
        "gdpsd",
        "Guangdong Provincial Department of Public Security",
        "广东省公安厅",
        "Public Security Bureau",
        "公安局",
    ),
    (
        "gdhrss",
        "Guangdong Provincial Department of Human Resources and Social Security",
        "广东省人力资源和社会保障厅",
        "Human Resources and Social Security Bureau",
        "人力资源和社会保障局",
    ),
    (
        "gdnr",
        "Guangdong Provincial Department of Natural Resources",
        "广东省自然资源厅",
        "Natural Resources Bureau",
        "自然资源局",
    ),
    (
        "gdee",
        "Guangdong Provincial Department of Ecology and Environment",
        "广东省生态环境厅",
        "Ecology and Environment Bureau",
        "生态环境局",
    ),
    (
        "gdhsa",
        "Guangdong Provincial Healthcare Security Administration",
        "广东省医疗保障局",
        "Healthcare Security Administration",
        "医疗保障局",
    ),
    (
        "gdlfsb",
        "Guangdong Provincial Local Financial Supervision and Administration Bureau",
        "广东省地方金融监督管理局",
        "Local Financial Supervision and Administration Bureau",
        "地方金融监督管理局",
    ),
];

/// Institutions under a provincial department (kind `institution`).
const PROVINCIAL_INSTITUTIONS: &[(&str, &str, &str)] = &[
    ("ic", "Information Centre", "信息中心"),
    ("dc", "Data Centre", "数据中心"),
    ("sc", "Service Centre", "服务中心"),
    ("ri", "Research Institute", "研究院"),
];

const DUTIES_EXTRA: &[&str] = &[
    "digital-government",
    "data-management",
    "supervision",
    "talent",
    "security",
    "special-exploration",
    "digital-literacy",
];

const FOCUS: &[&str] = &[
    "Shared urban grid-management data across departments",
    "Data services for enterprises in the high-tech zone",
    "Open public data for innovation",
    "Data-driven social governance",
    "Agricultural and rural data",
    "Public data for services to overseas Chinese",
    "Data security monitoring",
    "Health and medical insurance data sharing",
    "Smart transport and traffic data",
    "Ecological monitoring data",
    "One-stop government services online",
    "Data for emergency management",
];

/// The designated area of each Shenzhen pilot district (SZ008), in the
/// order of `SHENZHEN.counties`: focuses in the area, and the rule's
/// keywords for it.
const SZ_AREAS: &[(&[&str], &[&str])] = &[
    (
        &[
            "Public data opening",
            "Opening public data to enterprises and citizens",
        ],
        &["open", "开放"],
    ),
    (
        &["Data security monitoring", "Security of public data"],
        &["security", "安全"],
    ),
    (
        &[
            "Data-driven social governance",
            "Social governance on shared grid data",
        ],
        &["social governance", "社会治理"],
    ),
    (
        &[
            "Chief information officer and chief privacy officer",
            "Personal data privacy protection",
        ],
        &["privacy", "隐私", "chief information officer", "首席信息官"],
    ),
];

/// The bureaus a city pack requires, by id: Shenzhen's eight pilot units
/// (SZ001), Foshan's Education and Industry and IT bureaus (FS006),
/// Beijing's three commissions (BJ005).
const SZ_REQUIRED: &[&str] = &["psb", "hrss", "nr", "ee", "amr", "hsa", "lfsb", "met"];
const FS_REQUIRED: &[&str] = &["edu", "iit"];
const BJ_REQUIRED: &[&str] = &["drc", "edu", "st"];

/// Beijing's own names for some bureaus: id, English, Chinese.
const BEIJING_NAMES: &[(&str, &str, &str)] = &[
    (
        "drc",
        "Commission of Development and Reform",
        "发展和改革委员会",
    ),
    ("edu", "Education Commission", "教育委员会"),
    ("st", "Science and Technology Commission", "科学技术委员会"),
    (
        "iit",
        "Bureau of Economy and Information Technology",
        "经济和信息化局",
    ),
];

/// The index of a bureau in `BUREAUS`.
fn bureau(id: &str) -> usize {
    BUREAUS
        .iter()
        .position(|b| b.0 == id)
        .unwrap_or_else(|| panic!("no bureau `{id}`"))
}

// ---------------------------------------------------------------------------
// Writing a plan.

struct Gen<'a> {
    rng: &'a mut Rng,
    out: String,
    violations: &'a [Violation],
    waived: bool,
    /// The unknown key is already written.
    unknown_written: bool,
    /// The city's own pack (shenzhen-2021, foshan-2021) applies: its
    /// `rule_packs`, when written, names it.
    city_pack: bool,
    /// The unit without a CDO post is a district government (in Foshan,
    /// FS002 then supersedes GD004).
    no_cdo_district: bool,
}

/// One unit, before it is written.
struct Unit {
    id: String,
    name: String,
    name_zh: String,
    level: &'static str,
    kind: &'static str,
    focus: Option<&'static str>,
    /// Filed with the leading group office, appointed by the unit.
    department_style: bool,
    /// The unit's leader holds the post (not a deputy).
    chief: bool,
    rank_other: bool,
    no_cdo: bool,
}

impl Unit {
    fn new(
        id: String,
        name: String,
        name_zh: String,
        level: &'static str,
        kind: &'static str,
    ) -> Unit {
        Unit {
            id,
            name,
            name_zh,
            level,
            kind,
            focus: None,
            department_style: kind != "government",
            chief: false,
            rank_other: false,
            no_cdo: false,
        }
    }
}

fn slug(s: &str) -> String {
    let first = s.split(' ').next().unwrap_or(s);
    first
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Days since 1970-01-01 and back (Howard Hinnant's algorithms).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn date(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Gen<'_> {
    fn has(&self, v: Violation) -> bool {
        self.violations.contains(&v)
    }

    /// The code cdocheck reports for `v` in the plan just written.
    fn code(&self, kind: Kind, v: Violation) -> &'static str {
        let shenzhen = kind == Kind::Shenzhen && self.city_pack;
        let foshan = kind == Kind::Foshan && self.city_pack;
        match v {
            // SZ002 supersedes GD005 on the same unit.
            Violation::RankOther if shenzhen => "SZ002",
            Violation::RankOther => "GD005",
            // FS002 supersedes GD004 on a district government.
            Violation::MissingCdo if foshan && self.no_cdo_district => "FS002",
            Violation::MissingCdo => "GD004",
            Violation::TooFewCountyUnits => "GD001",
            Violation::MissingContactAgency => "GD009",
            Violation::MilestoneBeforePublication => "CORE007",
            Violation::UnknownKey => "PF002",
            Violation::TooFewDepartments => "BJ001",
            Violation::MissingSecurityDuty => "BJ004",
            Violation::MissingRequiredUnit => match kind {
                Kind::Shenzhen => "SZ001",
                Kind::Foshan => "FS006",
                _ => "BJ005",
            },
            Violation::FocusOutsideArea => "SZ008",
            Violation::PackLeftOut => "CORE010",
            Violation::Placeholder => "CORE008",
            Violation::BlankWaiver => "CORE009",
        }
    }

    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn kv(&mut self, k: &str, v: &str) {
        let _ = writeln!(self.out, "{k} = \"{v}\"");
    }

    /// Writes the plan; returns a short name for its file.
    fn plan(&mut self, kind: Kind, n: usize) -> String {
        match kind {
            Kind::GuangdongCity => {
                let city = self.rng.pick(CITIES);
                self.city(kind, city, n)
            }
            Kind::Zhongshan => self.city(kind, &ZHONGSHAN, n),
            Kind::Shenzhen => self.city(kind, &SHENZHEN, n),
            Kind::Foshan => self.city(kind, &FOSHAN, n),
            Kind::ProvincialDepartment => self.provincial(n),
            Kind::Beijing => self.city(kind, &BEIJING, n),
        }
    }

    fn city(&mut self, kind: Kind, city: &City, n: usize) -> String {
        let beijing = kind == Kind::Beijing;
        let (en, zh, p) = (city.en, city.zh, city.prefix);
        // Unit levels: Beijing is a provincial-level municipality.
        let (own, below) = if beijing {
            ("province", "prefecture")
        } else if kind == Kind::Zhongshan {
            ("prefecture", "township")
        } else {
            ("prefecture", "county")
        };
        let mut units = Vec::with_capacity(n);
        let mut gov = Unit::new(
            format!("{p}-gov"),
            format!("{en} Municipal People's Government"),
            format!("{zh}市人民政府"),
            own,
            "government",
        );
        gov.department_style = false;
        if !beijing {
            units.push(gov);
        }
        // Counties and districts.
        let mut counties: Vec<usize> = (0..city.counties.len()).collect();
        let required = match kind {
            Kind::Shenzhen => 4,
            _ => 0,
        };
        self.rng.shuffle(&mut counties[required..]);
        let few = self.has(Violation::TooFewCountyUnits);
        let few_depts = self.has(Violation::TooFewDepartments);
        let min_depts = match kind {
            Kind::Foshan => 23,
            Kind::Shenzhen => 8,
            Kind::Beijing if few_depts => self.rng.range(8, 12),
            Kind::Beijing => 13,
            _ => 5,
        };
        let room = n - units.len() - usize::from(beijing);
        let n_counties = if few {
            self.rng.range(1, 2)
        } else if few_depts {
            // Districts fill the room the few departments leave.
            (room - min_depts).min(counties.len())
        } else {
            let lo = if beijing { 2 } else { required.max(3) };
            let hi = counties.len().min(room - min_depts);
            self.rng.range(lo, hi.max(lo))
        };
        // Shenzhen's four pilot districts come first, unshuffled: one of
        // them may get a focus outside its designated area (SZ008).
        let wrong_focus = (kind == Kind::Shenzhen && self.has(Violation::FocusOutsideArea))
            .then(|| self.rng.below(n_counties.min(SZ_AREAS.len())));
        for &c in &counties[..n_counties] {
            let (cen, czh) = city.counties[c];
            let city_level = cen.ends_with("City");
            let (name, name_zh) = if city_level {
                let short = cen.trim_end_matches(" City");
                (
                    format!("{short} Municipal People's Government"),
                    format!("{czh}人民政府"),
                )
            } else if cen.ends_with("Subdistrict") {
                (format!("{cen} Office, {en}"), format!("{zh}市{czh}办事处"))
            } else if kind == Kind::Zhongshan {
                (
                    format!("{cen} People's Government, {en}"),
                    format!("{zh}市{czh}人民政府"),
                )
            } else {
                (
                    format!("{cen} People's Government"),
                    format!("{czh}人民政府"),
                )
            };
            let mut u = Unit::new(slug(cen), name, name_zh, below, "government");
            if kind == Kind::Shenzhen && c < SZ_AREAS.len() {
                let (designated, keywords) = SZ_AREAS[c];
                u.focus = Some(if wrong_focus == Some(c) {
                    let elsewhere: Vec<&'static str> = FOCUS
                        .iter()
                        .copied()
                        .filter(|f| !keywords.iter().any(|k| f.to_lowercase().contains(k)))
                        .collect();
                    *self.rng.pick(&elsewhere)
                } else {
                    *self.rng.pick(designated)
                });
            } else if kind == Kind::Shenzhen || self.rng.chance(60) {
                u.focus = Some(*self.rng.pick(FOCUS));
            }
            u.department_style = false;
            units.push(u);
        }
        if beijing {
            let mut z = Unit::new(
                "etown".into(),
                "Beijing Economic-Technological Development Area".into(),
                "北京经济技术开发区".into(),
                "prefecture",
                "zone",
            );
            z.department_style = false;
            units.push(z);
        }
        // Departments: the ones the city pack requires first (all but one
        // with MissingRequiredUnit; that one is left out altogether), then a
        // random choice.
        let required_bureaus: &[&str] = match kind {
            Kind::Shenzhen => SZ_REQUIRED,
            Kind::Foshan => FS_REQUIRED,
            Kind::Beijing => BJ_REQUIRED,
            _ => &[],
        };
        let mut fixed: Vec<&str> = required_bureaus.to_vec();
        if self.has(Violation::MissingRequiredUnit) && !fixed.is_empty() {
            fixed.remove(self.rng.below(fixed.len()));
        }
        let mut bureaus: Vec<usize> = fixed.iter().map(|id| bureau(id)).collect();
        let mut rest: Vec<usize> = (0..BUREAUS.len())
            .filter(|&b| !required_bureaus.contains(&BUREAUS[b].0))
            .collect();
        self.rng.shuffle(&mut rest);
        if kind != Kind::Shenzhen {
            // Departments before institutions, so the minimum is departments.
            rest.sort_by_key(|&b| BUREAUS[b].3 != "department");
        }
        bureaus.extend(rest);
        if kind != Kind::Shenzhen {
            // Past the minimum, institutions may come in too.
            self.rng.shuffle(&mut bureaus[min_depts..]);
        }
        let n_bureaus = if few_depts {
            min_depts
        } else {
            n - units.len()
        };
        for &b in bureaus.iter().take(n_bureaus) {
            let (id, ben, bzh, bkind) = BUREAUS[b];
            let bkind: &'static str = bkind;
            let (ben, bzh) = match BEIJING_NAMES.iter().find(|x| x.0 == id) {
                Some(&(_, ben, bzh)) if beijing => (ben, bzh),
                _ => (ben, bzh),
            };
            let (name, name_zh) = if ben.starts_with("General Office") {
                (
                    format!("{ben} of {en} Municipality"),
                    format!("{zh}市{bzh}"),
                )
            } else if beijing {
                (format!("Beijing Municipal {ben}"), format!("北京市{bzh}"))
            } else {
                (format!("{en} Municipal {ben}"), format!("{zh}市{bzh}"))
            };
            let mut u = Unit::new(format!("{p}-{id}"), name, name_zh, own, bkind);
            u.chief = id == "gsdmb" && self.rng.chance(70);
            units.push(u);
        }
        // Beijing with few departments: institutions fill the remaining room.
        let mut extra = 0;
        while units.len() < n {
            let (id, ien, izh) = PROVINCIAL_INSTITUTIONS[extra % PROVINCIAL_INSTITUTIONS.len()];
            units.push(Unit::new(
                format!("{p}-{id}{}", extra / PROVINCIAL_INSTITUTIONS.len()),
                format!("{en} Municipal {ien}"),
                format!("{zh}市{izh}"),
                own,
                "institution",
            ));
            extra += 1;
        }
        debug_assert_eq!(units.len(), n, "{kind:?}");

        let published = match kind {
            Kind::Beijing => days(2023, 10, 20) + self.rng.range(0, 30) as i64,
            Kind::Foshan => days(2021, 6, 1) + self.rng.range(0, 100) as i64,
            _ => days(2021, 5, 14) + self.rng.range(0, 230) as i64,
        };
        let pilot_end = match kind {
            Kind::Foshan => days(2021, 12, 31),
            Kind::Beijing => days(2024, 12, 31),
            _ => *self
                .rng
                .pick(&[days(2022, 12, 31), days(2023, 6, 30), days(2023, 12, 31)]),
        };
        let title = format!("Pilot Work Plan for the Chief Data Officer System in {en}");
        let title_zh = format!("{zh}市首席数据官制度试点工作方案");
        let issuer = format!("General Office of the {en} Municipal People's Government");
        let (province, contact) = if beijing {
            ("Beijing", None)
        } else {
            (
                "Guangdong",
                Some(format!("{en} Government Service Data Management Bureau")),
            )
        };
        let mut basis = vec!["粤办函〔2021〕63号"];
        if kind == Kind::Shenzhen {
            basis.push("深府〔2020〕89号");
        }
        if beijing {
            basis.clear();
        }
        let header = PlanHeader {
            comment: format!("{en} ({zh}市) Chief Data Officer pilot plan"),
            title,
            title_zh,
            jurisdiction: en.to_string(),
            jurisdiction_zh: format!("{zh}市"),
            level: if beijing { "province" } else { "prefecture" },
            province,
            issuer: if beijing {
                "Beijing Municipal Bureau of Economy and Information Technology".into()
            } else {
                issuer
            },
            published,
            pilot_end,
            basis,
            contact,
            packs: self.packs(kind),
        };
        self.header(&header);
        self.cdo_role(kind);
        self.governance(en, kind);
        self.violate_units(&mut units, kind);
        let waiver = self.maybe_waiver(&mut units, kind);
        self.units(&units, kind);
        self.milestones(published, pilot_end);
        if let Some(w) = waiver {
            self.waivers(&w, kind, en);
        }
        format!("{}-{}", slug(en), n)
    }

    fn provincial(&mut self, n: usize) -> String {
        let (pid, pen, pzh, ben, bzh) = *self.rng.pick(PROVINCIAL);
        let mut units = vec![Unit::new(
            pid.to_string(),
            pen.to_string(),
            pzh.to_string(),
            "province",
            "department",
        )];
        let cities = GUANGDONG_CITIES.len();
        let n_inst = self.rng.range(
            n.saturating_sub(cities + 1),
            PROVINCIAL_INSTITUTIONS.len().min(n - 6),
        );
        for &(iid, ien, izh) in &PROVINCIAL_INSTITUTIONS[..n_inst] {
            let short = pen.trim_start_matches("Guangdong Provincial ");
            units.push(Unit::new(
                format!("{pid}-{iid}"),
                format!("{ien} of the {short}"),
                format!("{}{izh}", pzh.trim_start_matches("广东省")),
                "province",
                "institution",
            ));
        }
        let mut order: Vec<usize> = (0..cities).collect();
        self.rng.shuffle(&mut order);
        for &c in order.iter().take(n - units.len()) {
            let (cen, czh, cp) = GUANGDONG_CITIES[c];
            units.push(Unit::new(
                format!("{cp}-{}", pid.trim_start_matches("gd")),
                format!("{cen} Municipal {ben}"),
                format!("{czh}市{bzh}"),
                "prefecture",
                "department",
            ));
        }
        let published = days(2021, 5, 20) + self.rng.range(0, 150) as i64;
        let pilot_end = days(2022, 12, 31);
        let short = pen.trim_start_matches("Guangdong Provincial ");
        let header = PlanHeader {
            comment: format!("{pen} ({pzh}) Chief Data Officer pilot plan"),
            title: format!("Chief Data Officer Pilot Work Plan of the {short}"),
            title_zh: format!("{pzh}首席数据官制度试点工作方案"),
            jurisdiction: pen.to_string(),
            jurisdiction_zh: pzh.to_string(),
            level: "province",
            province: "Guangdong",
            issuer: format!("General Office of the {short}"),
            published,
            pilot_end,
            basis: vec!["粤办函〔2021〕63号"],
            contact: Some("Guangdong Government Service Data Management Bureau".into()),
            packs: self.packs(Kind::ProvincialDepartment),
        };
        self.header(&header);
        self.cdo_role(Kind::ProvincialDepartment);
        self.governance(short, Kind::ProvincialDepartment);
        self.violate_units(&mut units, Kind::ProvincialDepartment);
        let waiver = self.maybe_waiver(&mut units, Kind::ProvincialDepartment);
        self.units(&units, Kind::ProvincialDepartment);
        self.milestones(published, pilot_end);
        if let Some(w) = waiver {
            self.waivers(&w, Kind::ProvincialDepartment, short);
        }
        format!("{pid}-{n}")
    }

    /// The plan's `rule_packs`: mostly none (packs chosen by "applies
    /// when"), sometimes every pack that applies (CORE010 otherwise); with
    /// PackLeftOut, `guangdong-2021` alone, leaving out the city's pack.
    fn packs(&mut self, kind: Kind) -> Option<&'static [&'static str]> {
        if self.has(Violation::PackLeftOut) {
            self.city_pack = false;
            return Some(&["guangdong-2021"]);
        }
        let (pct, packs): (u32, &'static [&'static str]) = match kind {
            Kind::Shenzhen => (50, &["guangdong-2021", "shenzhen-2021"]),
            Kind::Foshan => (30, &["core", "guangdong-2021", "foshan-2021"]),
            Kind::Beijing => (30, &["beijing-2023"]),
            Kind::GuangdongCity | Kind::Zhongshan | Kind::ProvincialDepartment => {
                (10, &["guangdong-2021"])
            }
        };
        self.rng.chance(pct).then_some(packs)
    }

    fn header(&mut self, h: &PlanHeader) {
        let _ = writeln!(self.out, "# {}", h.comment);
        self.line("# Generated for cdocheck's benchmarks and fuzz seeds: names are real, posts and dates made up.");
        self.line("");
        self.line("format = 1");
        self.line("");
        self.line("[plan]");
        self.kv("title", &h.title);
        self.kv("title_zh", &h.title_zh);
        self.kv("jurisdiction", &h.jurisdiction);
        self.kv("jurisdiction_zh", &h.jurisdiction_zh);
        self.kv("level", h.level);
        self.kv("province", h.province);
        self.kv("issuer", &h.issuer);
        let signed = h.published - self.rng.range(1, 12) as i64;
        let _ = writeln!(self.out, "signed = {}", date(signed));
        let _ = writeln!(self.out, "published = {}", date(h.published));
        let _ = writeln!(self.out, "pilot_end = {}", date(h.pilot_end));
        if let Some(packs) = h.packs {
            let list: Vec<String> = packs.iter().map(|p| format!("\"{p}\"")).collect();
            let _ = writeln!(self.out, "rule_packs = [{}]", list.join(", "));
        }
        if !h.basis.is_empty() {
            let list: Vec<String> = h.basis.iter().map(|p| format!("\"{p}\"")).collect();
            let _ = writeln!(self.out, "basis = [{}]", list.join(", "));
        }
        if let Some(c) = &h.contact {
            if !self.has(Violation::MissingContactAgency) {
                self.kv("contact_agency", c);
            }
        }
        if self.has(Violation::UnknownKey) && self.rng.chance(50) {
            // A key from an older draft of the format.
            self.kv("contact_agncy", "Office of the leading group");
            self.unknown_written = true;
        }
        self.line("");
    }

    fn cdo_role(&mut self, kind: Kind) {
        let mut duties: Vec<&str> = match kind {
            Kind::Beijing => vec![
                "digital-government",
                "data-management",
                "supervision",
                "digital-literacy",
                "talent",
                "security",
            ],
            Kind::Shenzhen => vec![
                "digital-government",
                "data-management",
                "data-integration",
                "decision-making",
                "planning",
                "supervision",
                "talent",
                "special-exploration",
            ],
            Kind::Foshan => vec![
                "digital-government",
                "data-integration",
                "decision-making",
                "planning",
                "supervision",
                "talent",
            ],
            _ => vec!["data-integration", "decision-making", "planning"],
        };
        if self.has(Violation::MissingSecurityDuty) {
            duties.retain(|d| *d != "security");
        } else {
            for _ in 0..self.rng.range(0, 4) {
                let d = *self.rng.pick(DUTIES_EXTRA);
                if !duties.contains(&d) {
                    duties.push(d);
                }
            }
        }
        self.line("[cdo]");
        let list: Vec<String> = duties.iter().map(|d| format!("\"{d}\"")).collect();
        if self.rng.chance(50) {
            let _ = writeln!(self.out, "duties = [{}]", list.join(", "));
        } else {
            self.line("duties = [");
            for d in list {
                let _ = writeln!(self.out, "  {d},");
            }
            self.line("]");
        }
        if kind == Kind::Foshan || self.rng.chance(40) {
            self.line("qualifications = [\"administration\", \"leadership\", \"big-data\"]");
        }
        self.line("");
    }

    fn governance(&mut self, who: &str, kind: Kind) {
        self.line("[governance]");
        if kind != Kind::Beijing {
            let _ = writeln!(
                self.out,
                "leading_group = \"{who} Digital Government Reform and Construction Leading Group\""
            );
        }
        if self.rng.chance(50) {
            let _ = writeln!(
                self.out,
                "executive_cdo = \"Director of the {who} Government Service Data Management Bureau\""
            );
        }
        self.line(
            "evaluation = \"Annual evaluation of every pilot unit by the leading group office\"",
        );
        if self.rng.chance(40) {
            self.line("coordination = \"Quarterly joint meeting of the pilot units' CDOs\"");
        }
        self.line("");
        self.line("[support]");
        let _ = writeln!(
            self.out,
            "contract_civil_servants = {}",
            self.rng.range(1, 6)
        );
        self.line("purchased_services = true");
        if self.rng.chance(50) {
            self.line("data_specialists = true");
        }
        if self.rng.chance(30) {
            self.line("expert_panel = false");
        }
        self.line("");
    }

    /// Marks the units that break a rule.
    fn violate_units(&mut self, units: &mut [Unit], kind: Kind) {
        if kind == Kind::Beijing {
            return;
        }
        let n = units.len();
        let no_cdo = self.rng.below(n);
        if self.has(Violation::MissingCdo) {
            units[no_cdo].no_cdo = true;
            self.no_cdo_district =
                units[no_cdo].kind == "government" && units[no_cdo].level == "county";
        }
        if self.has(Violation::RankOther) {
            // Another unit than the one without a CDO.
            let i = (no_cdo + 1 + self.rng.below(n - 1)) % n;
            units[i].rank_other = true;
        }
    }

    /// Sometimes (in a compliant plan) a unit whose CDO is below deputy
    /// rank, under a recorded waiver; with BlankWaiver, always, under a
    /// waiver with a blank reason or approver. Returns the waiver.
    fn maybe_waiver(&mut self, units: &mut [Unit], kind: Kind) -> Option<Waiver> {
        if kind == Kind::Beijing {
            return None;
        }
        let blank = self.has(Violation::BlankWaiver);
        if !blank && (!self.violations.is_empty() || !self.rng.chance(10)) {
            return None;
        }
        let i = self.rng.range(1, units.len() - 1);
        let u = &units[i];
        if u.kind == "government" || u.no_cdo || u.rank_other {
            if !blank {
                return None;
            }
            // A blank waiver needs a unit: the next one that will do.
            let j = (1..units.len())
                .map(|k| (i + k) % units.len())
                .find(|&j| {
                    let u = &units[j];
                    u.kind != "government" && !u.no_cdo && !u.rank_other
                })
                .expect("a department or institution with a CDO post");
            return Some(self.waive(&mut units[j], true));
        }
        Some(self.waive(&mut units[i], blank))
    }

    fn waive(&mut self, u: &mut Unit, blank: bool) -> Waiver {
        u.rank_other = true;
        self.waived = !blank;
        let blank = blank.then(|| {
            let value = *self.rng.pick(&["", "   ", "\u{3000}"]);
            (self.rng.chance(50), value)
        });
        Waiver {
            unit: u.id.clone(),
            blank,
        }
    }

    fn units(&mut self, units: &[Unit], kind: Kind) {
        let inline = kind == Kind::Beijing && self.rng.chance(60);
        let unknown_at = (self.has(Violation::UnknownKey) && !self.unknown_written)
            .then(|| self.rng.below(units.len()));
        for (i, u) in units.iter().enumerate() {
            self.line("[[unit]]");
            self.kv("id", &u.id);
            self.kv("name", &u.name);
            self.kv("name_zh", &u.name_zh);
            self.kv("level", u.level);
            self.kv("kind", u.kind);
            if let Some(f) = u.focus {
                self.kv("focus", f);
            }
            if unknown_at == Some(i) {
                self.kv("remarks", "to be confirmed by the leading group office");
            }
            if u.no_cdo {
                self.line("");
                continue;
            }
            let leader = match (u.kind, u.level) {
                ("government", "county" | "prefecture") if kind == Kind::Beijing => {
                    "District Mayor"
                }
                ("government", "county") => "District Mayor",
                ("government", "township") => "Town Head",
                ("government", _) => "Mayor",
                ("zone", _) => "Director of the Management Committee",
                _ => "Director",
            };
            let (position, rank) = if u.rank_other {
                ("Chief Engineer".to_string(), "other")
            } else if u.chief {
                ("Director".to_string(), "chief")
            } else {
                (
                    format!("Deputy {leader} in charge of digital government"),
                    "deputy",
                )
            };
            let appointed_by = if u.department_style {
                "unit"
            } else {
                "leading-group"
            };
            if inline {
                let _ = writeln!(
                    self.out,
                    "cdo = {{ position = \"{position}\", rank = \"{rank}\", oversees_digital_government = true }}"
                );
                self.line("");
                continue;
            }
            self.line("");
            self.line("[unit.cdo]");
            self.kv("position", &position);
            self.kv("rank", rank);
            self.line("oversees_digital_government = true");
            if self.rng.chance(20) {
                self.line("concurrent = true");
            }
            if kind == Kind::Shenzhen || self.rng.chance(60) {
                self.kv("appointed_by", appointed_by);
                if u.department_style {
                    self.kv("filed_with", "leading-group-office");
                }
            }
            self.line("");
        }
    }

    fn milestones(&mut self, published: i64, pilot_end: i64) {
        let n = self.rng.range(1, 5);
        let span = (pilot_end - published).max(n as i64 + 1);
        let mut dues: Vec<i64> = (0..n)
            .map(|_| published + 1 + self.rng.below(span as usize) as i64)
            .collect();
        dues.sort();
        if self.has(Violation::MilestoneBeforePublication) {
            dues[0] = published - self.rng.range(1, 60) as i64;
        }
        const DELIVERABLES: &[&str] = &[
            "CDO posts of all pilot units designated and filed with the leading group office",
            "CDOs appointed in all pilot units",
            "Data work rules issued by each pilot unit",
            "Mid-term evaluation of the pilot units",
            "Public data catalogue of every pilot unit published",
            "Pilot summary report submitted to the provincial data management bureau",
        ];
        for (i, d) in dues.iter().enumerate() {
            self.line("[[milestone]]");
            let _ = writeln!(self.out, "due = {}", date(*d));
            if i + 1 == n && self.has(Violation::Placeholder) {
                // Left as `cdocheck init` writes it.
                self.kv(
                    "deliverable",
                    "Pilot summary report submitted to <receiving agency>",
                );
            } else {
                self.kv("deliverable", DELIVERABLES[i.min(DELIVERABLES.len() - 1)]);
            }
            self.line("");
        }
    }

    fn waivers(&mut self, w: &Waiver, kind: Kind, who: &str) {
        // In Shenzhen SZ002 supersedes GD005: a waiver of GD005 would match
        // nothing (CORE005).
        let rule = if kind == Kind::Shenzhen && self.city_pack {
            "SZ002"
        } else {
            "GD005"
        };
        let mut reason =
            "The unit's chief engineer leads its digital work; no deputy leader oversees it"
                .to_string();
        let mut approver = format!("{who} Leading Group Office");
        match w.blank {
            Some((true, value)) => reason = value.to_string(),
            Some((false, value)) => approver = value.to_string(),
            None => {}
        }
        self.line("[[waiver]]");
        self.kv("rule", rule);
        self.kv("unit", &w.unit);
        self.kv("reason", &reason);
        self.kv("approved_by", &approver);
        self.line("");
    }
}

/// A `[[waiver]]` of a unit's rank below deputy.
struct Waiver {
    unit: String,
    /// Blank: (the reason rather than the approver, the blank value).
    blank: Option<(bool, &'static str)>,
}

struct PlanHeader {
    comment: String,
    title: String,
    title_zh: String,
    jurisdiction: String,
    jurisdiction_zh: String,
    level: &'static str,
    province: &'static str,
    issuer: String,
    published: i64,
    pilot_end: i64,
    basis: Vec<&'static str>,
    contact: Option<String>,
    packs: Option<&'static [&'static str]>,
}
