//! `cdocheck init`: a commented plan skeleton for a jurisdiction, in English
//! or Chinese. The skeleton holds what the rule packs that will apply ask
//! for (the units, duties, basis and mechanisms, each with the rule that asks
//! for it), and writes every value the planners must supply as a `<…>`
//! placeholder, which rule CORE008 reports until it is filled in. Checked as
//! it stands, a skeleton earns CORE008 findings and nothing else.
//!
//! The content per pack is written out here, from the rule catalogue; which
//! Guangdong pilots are designated comes from the guangdong-2021 pack itself.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use crate::cli::Outcome;
use crate::eval::matches_keywords;
use crate::lang::Lang;
use crate::plan::Date;
use crate::rules::Rules;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The jurisdiction: a city (Jiangmen, Shenzhen, Foshan, 江门 …), Beijing, a
    /// Guangdong provincial department, or any other place [default: a placeholder]
    #[arg(long, value_name = "NAME")]
    pub jurisdiction: Option<String>,
    /// Administrative level of the issuer [default: from the jurisdiction]
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub level: Option<Level>,
    /// Write the skeleton to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE when it exists
    #[arg(long, requires = "output")]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Province,
    Prefecture,
    County,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Prefecture => "prefecture",
            Level::County => "county",
        }
    }

    /// The level of the governments one step down.
    fn below(self) -> &'static str {
        match self {
            Level::Province => "prefecture",
            Level::Prefecture => "county",
            Level::County => "township",
        }
    }
}

/// `cdocheck init`: the skeleton to standard output or, with `-o`, to a file
/// written whole (never over an existing file without `--force`).
pub fn run(
    args: &InitArgs,
    rules: &Rules,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let text = skeleton(args.jurisdiction.as_deref(), args.level, lang, rules);
    let Some(path) = &args.output else {
        out.write_all(text.as_bytes())?;
        return Ok(Outcome::Pass);
    };
    let shown = path.display();
    if !args.force && path.exists() {
        let msg = lang.pick(
            format!("error: {shown} exists; nothing was written (use --force to overwrite it)"),
            format!("错误：{shown} 已存在，未写入（如需覆盖，请加 --force）"),
        );
        writeln!(err, "{msg}")?;
        return Ok(Outcome::Broken);
    }
    match crate::atomic::write(path, text.as_bytes(), args.force) {
        Ok(()) => {
            let n = text
                .lines()
                .filter(|l| !l.trim_start().starts_with('#') && l.contains("\"<"))
                .count();
            let msg = lang.pick(
                format!("wrote {shown}: fill in the {n} placeholders <…>; `cdocheck check {shown}` lists those left"),
                format!("已写入 {shown}：请填写其中 {n} 处占位符 <…>；`cdocheck check {shown}` 会列出尚未填写的"),
            );
            writeln!(err, "{msg}")?;
            Ok(Outcome::Pass)
        }
        Err(e) => {
            let msg = lang.pick(
                format!("error: cannot write {shown}: {e}"),
                format!("错误：无法写入 {shown}：{e}"),
            );
            writeln!(err, "{msg}")?;
            Ok(Outcome::Broken)
        }
    }
}

// ---------------------------------------------------------------------------
// What a skeleton holds
// ---------------------------------------------------------------------------

/// Text in both languages.
#[derive(Clone, Copy)]
struct T<'a>(&'a str, &'a str);

/// A unit's name: known, or a placeholder.
enum Name {
    Real { en: String, zh: String },
    Placeholder(T<'static>),
}

struct Unit {
    id: String,
    name: Name,
    level: &'static str,
    kind: &'static str,
    /// A placeholder for `focus`, with a hint.
    focus: Option<(T<'static>, T<'static>)>,
}

struct Group {
    /// The comment above the group.
    heading: (String, String),
    units: Vec<Unit>,
}

/// Everything that differs between jurisdictions.
struct Profile {
    jurisdiction: Option<(String, Option<String>)>,
    title: (String, String),
    level: Level,
    province: Option<(&'static str, &'static str)>,
    issuer_hint: Option<(String, String)>,
    packs: T<'static>,
    basis: Vec<&'static str>,
    basis_note: Option<T<'static>>,
    duties: Vec<&'static str>,
    duties_note: T<'static>,
    qualifications: bool,
    published: Date,
    published_note: T<'static>,
    pilot_end: Option<(Date, T<'static>)>,
    milestone: Date,
    /// Shenzhen: who appoints each CDO and where it is filed (SZ003).
    appointments: bool,
    /// Shenzhen: professional support (SZ005).
    support: bool,
    groups: Vec<Group>,
}

const DUTY_TEXT: &[(&str, T<'static>)] = &[
    (
        "digital-government",
        T(
            "drive digital government / smart city construction",
            "推进数字政府（智慧城市）建设",
        ),
    ),
    (
        "data-management",
        T(
            "standardised data management, data resources",
            "完善数据标准化管理、加强数据资源管理",
        ),
    ),
    (
        "data-integration",
        T(
            "data sharing, opening, integrated innovation",
            "统筹数据管理和融合创新，推进共享开放和开发利用",
        ),
    ),
    (
        "decision-making",
        T("decide major matters in data work", "对重大事项进行决策"),
    ),
    (
        "planning",
        T(
            "mid- and long-term plans and rules",
            "组织制订中长期发展规划及制度规范",
        ),
    ),
    (
        "supervision",
        T("regular guidance and supervision", "实施常态化指导监督"),
    ),
    (
        "talent",
        T("build the digital talent team", "加强人才队伍建设"),
    ),
    (
        "security",
        T("data security and privacy", "保障数据安全和隐私"),
    ),
    (
        "special-exploration",
        T(
            "explore data applications on a local focus",
            "开展特色数据应用探索",
        ),
    ),
    (
        "digital-literacy",
        T("raise leading cadres' digital skills", "提高数字思维素养"),
    ),
];

fn date(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(Date::today)
}

fn numbered(
    prefix: &str,
    n: usize,
    name: T<'static>,
    level: &'static str,
    kind: &'static str,
) -> Vec<Unit> {
    let width = if n >= 10 { 2 } else { 1 };
    (1..=n)
        .map(|i| Unit {
            id: format!("{prefix}-{i:0width$}"),
            name: Name::Placeholder(name),
            level,
            kind,
            focus: None,
        })
        .collect()
}

fn real(id: &str, en: &str, zh: &str, level: &'static str, kind: &'static str) -> Unit {
    Unit {
        id: id.into(),
        name: Name::Real {
            en: en.into(),
            zh: zh.into(),
        },
        level,
        kind,
        focus: None,
    }
}

const COUNTY_GOV: T = T(
    "Name of the county-level government",
    "县（市、区）人民政府名称",
);
const TOWNSHIP: T = T("Name of the township or sub-district", "镇（街道）名称");
const DISTRICT_GOV: T = T("Name of the district government", "区人民政府名称");
const CITY_DEPT: T = T("Name of the city department", "市级部门名称");
const MUNICIPAL_DEPT: T = T("Name of the municipal department", "市级部门名称");
const DEPARTMENT: T = T("Name of the department", "部门名称");
const GOVERNMENT: T = T("Name of the people's government", "人民政府名称");
const CDO_POST: T = T(
    "Post of the deputy leader in charge of digital government",
    "分管数字政府建设的副职领导职务",
);
const FOCUS: T = T("Focus area of the district's pilot", "本区试点特色方向");

const GD_NOTICE: &str = "粤办函〔2021〕63号";
const GD_DUTIES: &[&str] = &[
    "digital-government",
    "data-management",
    "data-integration",
    "decision-making",
    "planning",
    "supervision",
    "talent",
    "security",
];

/// The skeleton for a jurisdiction, as TOML text.
pub fn skeleton(
    jurisdiction: Option<&str>,
    level: Option<Level>,
    lang: Lang,
    rules: &Rules,
) -> String {
    let j = jurisdiction.map(str::trim).filter(|j| !j.is_empty());
    let profile = profile(j, level, rules);
    render(&profile, lang)
}

fn is(j: &str, keywords: &[&str]) -> bool {
    let kws: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
    matches_keywords(j, &kws)
}

fn profile(j: Option<&str>, level: Option<Level>, rules: &Rules) -> Profile {
    let Some(j) = j else {
        return generic(None, level);
    };
    if is(j, &["shenzhen", "深圳"]) {
        return shenzhen(level);
    }
    if is(j, &["foshan", "佛山"]) {
        return foshan(level);
    }
    if is(j, &["beijing", "北京"]) {
        return beijing(level);
    }
    let designated = rules.pack("guangdong-2021").and_then(|p| {
        p.designated
            .iter()
            .find(|d| matches_keywords(j, &d.keywords))
    });
    match designated {
        Some(d) if d.level == "province" => {
            guangdong_department(&d.name, d.name_zh.as_deref(), level)
        }
        Some(d) => {
            let without_districts = is(&d.name, &["zhongshan", "dongguan"]);
            guangdong_city(&d.name, d.name_zh.as_deref(), level, without_districts)
        }
        None => generic(Some(j), level),
    }
}

fn guangdong_city(
    name: &str,
    zh: Option<&str>,
    level: Option<Level>,
    without_districts: bool,
) -> Profile {
    let level = level.unwrap_or(Level::Prefecture);
    let zh_name = zh.unwrap_or(name);
    let county = if without_districts && level == Level::Prefecture {
        Group {
            heading: (
                format!("County-level pilots: {name} has no districts, so its townships and sub-districts count\n(GD001: at least 3). Add more the same way."),
                format!("县级试点：{zh_name}不设区，镇和街道计入（GD001：不少于 3 个）。如有更多，照此添加。"),
            ),
            units: numbered("township", 3, TOWNSHIP, "township", "government"),
        }
    } else {
        Group {
            heading: (
                "County-level pilots: counties, county-level cities or districts (GD001: at least 3).\nAdd more the same way.".into(),
                "县级试点：县（市、区）（GD001：不少于 3 个）。如有更多，照此添加。".into(),
            ),
            units: numbered("county", 3, COUNTY_GOV, level.below(), "government"),
        }
    };
    let depts = Group {
        heading: (
            "City departments (GD002: at least 5). Add more the same way.".into(),
            "市级部门（GD002：不少于 5 个）。如有更多，照此添加。".into(),
        ),
        units: numbered("dept", 5, CITY_DEPT, level.as_str(), "department"),
    };
    Profile {
        jurisdiction: Some((name.into(), zh.map(str::to_string))),
        title: (
            format!("Pilot Work Plan for the Chief Data Officer System in {name}"),
            format!("{zh_name}首席数据官制度试点工作方案"),
        ),
        level,
        province: Some(("Guangdong", "广东")),
        issuer_hint: Some((
            format!("e.g. General Office of the {name} Municipal People's Government"),
            format!("例如：{zh_name}人民政府办公室"),
        )),
        packs: T(
            "Province Guangdong selects the guangdong-2021 pack (粤办函〔2021〕63号); core always applies.",
            "省份为广东，适用 guangdong-2021 规则包（粤办函〔2021〕63号）；core 规则包始终适用。",
        ),
        basis: vec![GD_NOTICE],
        basis_note: Some(T(
            "The plan cites the provincial notice (GD007).",
            "方案依据须引用省通知（GD007）。",
        )),
        duties: GD_DUTIES.to_vec(),
        duties_note: T(
            "The notice asks for data-integration, decision-making and planning (GD011).",
            "省通知要求 data-integration、decision-making 和 planning（GD011）。",
        ),
        qualifications: false,
        published: date("2021-06-30"),
        published_note: T(
            "not before the notice was signed, 2021-04-23 (GD010)",
            "不得早于省通知成文日期 2021-04-23（GD010）",
        ),
        pilot_end: None,
        milestone: date("2021-12-31"),
        appointments: false,
        support: false,
        groups: vec![county, depts],
    }
}

fn guangdong_department(name: &str, zh: Option<&str>, level: Option<Level>) -> Profile {
    let level = level.unwrap_or(Level::Province);
    let zh_name = zh.unwrap_or(name);
    let mut p = guangdong_city(name, zh, Some(level), false);
    p.title = (
        format!(
            "Pilot Work Plan for the Chief Data Officer System of the Guangdong Provincial {name}"
        ),
        format!("广东{zh_name}首席数据官制度试点工作方案"),
    );
    p.issuer_hint = Some((
        format!("e.g. the Guangdong Provincial {name}"),
        format!("例如：广东{zh_name}"),
    ));
    p.groups = vec![Group {
        heading: (
            "The pilot units: the department itself and, if any, units under it. Each designates\nthe post that holds its CDO role (GD004), a chief or deputy leader (GD005) in charge of\ndigital government (GD006).".into(),
            "试点单位：本部门及其下属单位（如有）。每个单位须明确担任首席数据官的职务（GD004），\n由分管数字政府建设（GD006）的正职或副职领导（GD005）担任。".into(),
        ),
        units: numbered("unit", 2, DEPARTMENT, level.as_str(), "department"),
    }];
    p
}

fn shenzhen(level: Option<Level>) -> Profile {
    let level = level.unwrap_or(Level::Prefecture);
    let (own, below) = (level.as_str(), level.below());
    let mut p = guangdong_city("Shenzhen", Some("深圳市"), Some(level), false);
    p.title = (
        "Pilot Implementation Plan for the Chief Data Officer System in Shenzhen".into(),
        "深圳市首席数据官制度试点实施方案".into(),
    );
    p.packs = T(
        "Province Guangdong selects guangdong-2021 (粤办函〔2021〕63号) and jurisdiction Shenzhen\nselects shenzhen-2021 (深府办函〔2021〕71号); core always applies.",
        "省份为广东，适用 guangdong-2021（粤办函〔2021〕63号）；地区为深圳，适用 shenzhen-2021\n（深府办函〔2021〕71号）；core 规则包始终适用。",
    );
    p.basis = vec![GD_NOTICE, "深府〔2020〕89号"];
    p.basis_note = Some(T(
        "The plan cites the provincial notice (GD007) and 深府〔2020〕89号 (SZ007).",
        "方案依据须引用省通知（GD007）和深府〔2020〕89号（SZ007）。",
    ));
    p.duties = vec![
        "digital-government",
        "data-management",
        "data-integration",
        "decision-making",
        "planning",
        "supervision",
        "talent",
        "special-exploration",
    ];
    p.duties_note = T(
        "Shenzhen's six duties (SZ004): digital-government, data-management, data-integration,\nsupervision, talent, special-exploration; the provincial notice adds decision-making and\nplanning (GD011).",
        "深圳的六项职责（SZ004）：digital-government、data-management、data-integration、\nsupervision、talent、special-exploration；省通知另要求 decision-making 和 planning（GD011）。",
    );
    p.published = date("2021-08-09");
    p.appointments = true;
    p.support = true;
    let district = |id: &str, en: &str, zh: &str, hint: T<'static>| Unit {
        focus: Some((FOCUS, hint)),
        ..real(id, en, zh, below, "government")
    };
    p.groups = vec![
        Group {
            heading: (
                "The municipal government (SZ001). Government CDOs are appointed by the leading group (SZ003).".into(),
                "市政府（SZ001）。政府首席数据官由领导小组统一任免（SZ003）。".into(),
            ),
            units: vec![real("sz-gov", "Shenzhen Municipal People's Government", "深圳市人民政府", own, "government")],
        },
        Group {
            heading: (
                "The four pilot districts (SZ001), each with its focus area (SZ006).".into(),
                "四个试点区（SZ001），各自写明试点特色方向（SZ006）。".into(),
            ),
            units: vec![
                district("futian", "Futian District People's Government", "福田区人民政府", T("reported: open public data", "据报道：公共数据开放")),
                district("nanshan", "Nanshan District People's Government", "南山区人民政府", T("reported: data security monitoring", "据报道：数据安全监测")),
                district("baoan", "Bao'an District People's Government", "宝安区人民政府", T("reported: data-driven social governance", "据报道：数据驱动的社会治理")),
                district("pingshan", "Pingshan District People's Government", "坪山区人民政府", T("reported: a chief information officer and a chief privacy officer beside the CDO", "据报道：设首席信息官和首席隐私官")),
            ],
        },
        Group {
            heading: (
                "The eight pilot city units (SZ001). Department CDOs are appointed by their department\nand filed with the leading group office (SZ003).".into(),
                "八个试点市级单位（SZ001）。部门首席数据官由本部门任免，报领导小组办公室备案（SZ003）。".into(),
            ),
            units: vec![
                real("sz-psb", "Shenzhen Municipal Public Security Bureau", "深圳市公安局", own, "department"),
                real("sz-hrss", "Shenzhen Municipal Human Resources and Social Security Bureau", "深圳市人力资源和社会保障局", own, "department"),
                real("sz-pnr", "Shenzhen Municipal Planning and Natural Resources Bureau", "深圳市规划和自然资源局", own, "department"),
                real("sz-ee", "Shenzhen Municipal Ecology and Environment Bureau", "深圳市生态环境局", own, "department"),
                real("sz-amr", "Shenzhen Administration for Market Regulation", "深圳市市场监督管理局", own, "department"),
                real("sz-hsa", "Shenzhen Healthcare Security Administration", "深圳市医疗保障局", own, "department"),
                real("sz-lfsb", "Shenzhen Local Financial Supervision and Administration Bureau", "深圳市地方金融监督管理局", own, "department"),
                real("sz-met", "Shenzhen Meteorological Bureau", "深圳市气象局", own, "department"),
            ],
        },
    ];
    p
}

fn foshan(level: Option<Level>) -> Profile {
    let level = level.unwrap_or(Level::Prefecture);
    let mut p = guangdong_city("Foshan", Some("佛山市"), Some(level), false);
    p.title = (
        "Foshan Chief Data Officer System Pilot Work Plan".into(),
        "佛山市首席数据官制度试点工作方案".into(),
    );
    p.packs = T(
        "Province Guangdong selects guangdong-2021 (粤办函〔2021〕63号) and jurisdiction Foshan\nselects foshan-2021; core always applies.",
        "省份为广东，适用 guangdong-2021（粤办函〔2021〕63号）；地区为佛山，适用 foshan-2021；\ncore 规则包始终适用。",
    );
    p.duties = vec![
        "digital-government",
        "data-management",
        "data-integration",
        "decision-making",
        "planning",
        "supervision",
        "talent",
    ];
    p.duties_note = T(
        "Foshan's four roles (FS003): digital-government, data-integration, supervision, talent;\nthe provincial notice adds decision-making and planning (GD011).",
        "佛山的四项职责（FS003）：digital-government、data-integration、supervision、talent；\n省通知另要求 decision-making 和 planning（GD011）。",
    );
    p.qualifications = true;
    p.published = date("2021-08-11");
    p.pilot_end = Some((
        date("2021-12-31"),
        T(
            "the pilot is completed by the end of 2021 (FS004)",
            "试点于 2021 年底前完成（FS004）",
        ),
    ));
    p.milestone = date("2021-09-30");
    p.groups = vec![
        Group {
            heading: (
                "District governments (GD001: at least 3), each with its own CDO post (FS002): Chancheng,\nNanhai, Shunde, Gaoming, Sanshui. Add more the same way.".into(),
                "区政府（GD001：不少于 3 个），各自设首席数据官（FS002）：禅城、南海、顺德、高明、三水。\n如有更多，照此添加。".into(),
            ),
            units: numbered("district", 3, DISTRICT_GOV, level.below(), "government"),
        },
        Group {
            heading: (
                "City departments (FS001: at least 23).".into(),
                "市级部门（FS001：不少于 23 个）。".into(),
            ),
            units: numbered("dept", 23, CITY_DEPT, level.as_str(), "department"),
        },
    ];
    p
}

fn beijing(level: Option<Level>) -> Profile {
    let level = level.unwrap_or(Level::Province);
    let below = level.below();
    let etown = real(
        "etown",
        "Beijing Economic-Technological Development Area",
        "北京经济技术开发区",
        below,
        "zone",
    );
    Profile {
        jurisdiction: Some(("Beijing".into(), Some("北京市".into()))),
        title: (
            "Beijing Chief Data Officer System Pilot Work Plan".into(),
            "北京市首席数据官制度试点工作方案".into(),
        ),
        level,
        province: Some(("Beijing", "北京")),
        issuer_hint: Some((
            "e.g. Beijing Municipal Bureau of Economy and Information Technology".into(),
            "例如：北京市经济和信息化局".into(),
        )),
        packs: T(
            "Jurisdiction Beijing selects the beijing-2023 pack; core always applies. Beijing is a\nprovincial-level municipality: its municipal departments are at `province` level, its\ndistrict governments at `prefecture` level.",
            "地区为北京，适用 beijing-2023 规则包；core 规则包始终适用。北京是直辖市：市级部门为\n`province` 级，区政府为 `prefecture` 级。",
        ),
        basis: Vec::new(),
        basis_note: None,
        duties: vec![
            "digital-government",
            "data-management",
            "supervision",
            "digital-literacy",
            "talent",
            "security",
        ],
        duties_note: T(
            "Beijing's duties (BJ003): digital-government, data-management, supervision,\ndigital-literacy, talent; and security (BJ004).",
            "北京的职责（BJ003）：digital-government、data-management、supervision、digital-literacy、\ntalent；以及 security（BJ004）。",
        ),
        qualifications: false,
        published: date("2023-10-29"),
        published_note: T("the date the plan is published", "方案发布日期"),
        pilot_end: None,
        milestone: date("2024-06-30"),
        appointments: false,
        support: false,
        groups: vec![
            Group {
                heading: (
                    "Municipal departments (BJ001: at least 13).".into(),
                    "市级部门（BJ001：不少于 13 个）。".into(),
                ),
                units: numbered("dept", 13, MUNICIPAL_DEPT, level.as_str(), "department"),
            },
            Group {
                heading: (
                    "District governments (BJ002). Add more the same way.".into(),
                    "区政府（BJ002）。如有更多，照此添加。".into(),
                ),
                units: numbered("district", 3, DISTRICT_GOV, below, "government"),
            },
            Group {
                heading: (
                    "Beijing E-Town, a development zone (BJ002).".into(),
                    "北京经济技术开发区（亦庄），开发区（BJ002）。".into(),
                ),
                units: vec![etown],
            },
        ],
    }
}

fn generic(j: Option<&str>, level: Option<Level>) -> Profile {
    let level = level.unwrap_or(Level::Prefecture);
    let today = Date::today();
    Profile {
        jurisdiction: j.map(|j| (j.to_string(), None)),
        title: match j {
            Some(j) => (
                format!("Pilot Work Plan for the Chief Data Officer System in {j}"),
                format!("{j}首席数据官制度试点工作方案"),
            ),
            None => (String::new(), String::new()),
        },
        level,
        province: None,
        issuer_hint: None,
        packs: T(
            "No rule pack but core is known to apply: cdocheck selects packs by `province` and\n`jurisdiction` (`cdocheck rules` lists them), or name them in `rule_packs`.",
            "目前只适用 core 规则包：cdocheck 按 `province` 和 `jurisdiction` 选择规则包\n（`cdocheck rules` 列出全部规则包），也可在 `rule_packs` 中指定。",
        ),
        basis: Vec::new(),
        basis_note: None,
        duties: vec![
            "digital-government",
            "data-management",
            "data-integration",
            "supervision",
            "talent",
            "security",
        ],
        duties_note: T(
            "Keep the duties your notice asks for.",
            "保留上级文件要求的职责。",
        ),
        qualifications: false,
        published: today,
        published_note: T("the date the plan is published", "方案发布日期"),
        pilot_end: None,
        milestone: Date {
            month: 12,
            day: 31,
            ..today
        },
        appointments: false,
        support: false,
        groups: vec![
            Group {
                heading: (
                    "The people's government of the jurisdiction.".into(),
                    "本级人民政府。".into(),
                ),
                units: numbered("government", 1, GOVERNMENT, level.as_str(), "government"),
            },
            Group {
                heading: (
                    "Lower-level governments. Add more the same way.".into(),
                    "下级人民政府。如有更多，照此添加。".into(),
                ),
                units: numbered("lower", 2, GOVERNMENT, level.below(), "government"),
            },
            Group {
                heading: (
                    "Departments. Add more the same way.".into(),
                    "部门。如有更多，照此添加。".into(),
                ),
                units: numbered("dept", 2, DEPARTMENT, level.as_str(), "department"),
            },
        ],
    }
}

// ---------------------------------------------------------------------------
// Writing it out
// ---------------------------------------------------------------------------

struct Doc {
    lang: Lang,
    buf: String,
}

impl Doc {
    fn pick<'a>(&self, t: T<'a>) -> &'a str {
        self.lang.pick(t.0, t.1)
    }

    /// A comment block, one `#` line per line of text.
    fn comment(&mut self, en: &str, zh: &str) {
        for line in self.lang.pick(en, zh).lines() {
            if line.is_empty() {
                self.buf.push_str("#\n");
            } else {
                self.buf.push_str("# ");
                self.buf.push_str(line);
                self.buf.push('\n');
            }
        }
    }

    fn line(&mut self, s: &str) {
        self.buf.push_str(s);
        self.buf.push('\n');
    }

    fn blank(&mut self) {
        self.buf.push('\n');
    }

    fn kv(&mut self, key: &str, value: &str) {
        self.line(&format!("{key} = {value}"));
    }

    /// `key = value   # note`
    fn kv_note(&mut self, key: &str, value: &str, note: T) {
        let note = self.pick(note);
        self.line(&format!("{key} = {value}   # {note}"));
    }

    /// A date the planner sets: a placeholder, with an example beside it.
    fn date(&mut self, key: &str, example: Date, note: T) {
        let note = self.pick(note);
        let eg = self.pick(T("e.g.", "例如"));
        let sep = self.pick(T("; ", "；"));
        self.line(&format!(
            "{key} = \"<YYYY-MM-DD>\"   # {eg} {example}{sep}{note}"
        ));
    }

    fn placeholder(&self, t: T) -> String {
        quote(&format!("<{}>", self.pick(t)))
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

fn render(p: &Profile, lang: Lang) -> String {
    let mut d = Doc {
        lang,
        buf: String::new(),
    };
    header(&mut d, p);
    plan_table(&mut d, p);
    cdo_table(&mut d, p);
    governance_table(&mut d);
    support_table(&mut d, p);
    unit_tables(&mut d, p);
    milestones(&mut d, p);
    d.buf
}

/// The opening comment: what the skeleton is and how to fill it in.
fn header(d: &mut Doc, p: &Profile) {
    let place = match &p.jurisdiction {
        Some((en, zh)) => (en.clone(), zh.clone().unwrap_or_else(|| en.clone())),
        None => ("<jurisdiction>".into(), "<地区>".into()),
    };
    d.comment(
        &format!(
            "Chief Data Officer (首席数据官) pilot plan for {}: a skeleton written by `cdocheck init`.

Every value written <like this> is a placeholder: replace it with the real value, or
delete the key where it is optional. Until then `cdocheck check` reports each one left
(CORE008), an error: an unfilled skeleton fails. Dates too are placeholders until set:
write them bare, `published = 2021-08-09`.

The format is docs/plan-format.md; `cdocheck explain RULE` explains each rule named
below. To have an editor check the plan as you type, save the output of
`cdocheck schema` as plan-v1.schema.json and make this the first line of the file:
  #:schema ./plan-v1.schema.json",
            place.0
        ),
        &format!(
            "{}首席数据官制度试点方案：由 `cdocheck init` 生成的框架。

凡写作 <这样> 的值都是占位符：请替换为实际内容；可选的键也可直接删去。在此之前，
`cdocheck check` 会把每个剩余的占位符报告为错误 CORE008，未填写完的框架不能通过检查。
日期也先写作占位符，填写时不加引号，例如 `published = 2021-08-09`。

文件格式见 docs/plan-format.md；下文提到的规则可用 `cdocheck explain 规则编号` 查看。
如需在编辑器中随写随查，可把 `cdocheck schema` 的输出保存为 plan-v1.schema.json，
并把本文件第一行写成：
  #:schema ./plan-v1.schema.json",
            place.1
        ),
    );
    d.line("#");
    d.comment(p.packs.0, p.packs.1);
    d.blank();
    d.comment(
        "The plan format version; this checker reads 1.",
        "文件格式版本；本检查工具读取版本 1。",
    );
    d.kv("format", "1");
    d.blank();
}

/// The `[plan]` table: who issues the plan, when, under which notices.
fn plan_table(d: &mut Doc, p: &Profile) {
    d.line("[plan]");
    let known_zh = p.jurisdiction.as_ref().is_some_and(|j| j.1.is_some());
    if p.title.0.is_empty() {
        let t = d.placeholder(T("Title of the plan", "方案标题"));
        d.kv("title", &t);
    } else if known_zh {
        d.kv("title", &quote(&p.title.0));
        d.kv("title_zh", &quote(&p.title.1));
    } else {
        d.kv("title", &quote(d.lang.pick(&p.title.0, &p.title.1)));
    }
    match &p.jurisdiction {
        Some((en, zh)) => {
            d.kv("jurisdiction", &quote(en));
            if let Some(zh) = zh {
                d.kv("jurisdiction_zh", &quote(zh));
            }
        }
        None => {
            let v = d.placeholder(T("Jurisdiction, e.g. a city", "地区名称，例如某市"));
            d.kv("jurisdiction", &v);
        }
    }
    d.kv_note(
        "level",
        &quote(p.level.as_str()),
        T(
            "province, prefecture or county",
            "province（省级）、prefecture（地级）或 county（县级）",
        ),
    );
    match p.province {
        Some((en, _)) => d.kv("province", &quote(en)),
        None => {
            // No example in the placeholder: a province named there would select its pack.
            d.comment(
                "The province, in English; it selects the rule packs of its notices.",
                "省份（英文名）；据此选择其通知的规则包。",
            );
            let v = d.placeholder(T("Province", "省份"));
            d.kv("province", &v);
        }
    }
    if let Some((en, zh)) = &p.issuer_hint {
        d.comment(en, zh);
    }
    let issuer = d.placeholder(T("Issuing office", "印发单位"));
    d.kv("issuer", &issuer);
    d.comment(
        "Once issued:\ndocument_number = \"<Document number>\"\nsigned = 2021-01-01",
        "印发后填写：\ndocument_number = \"<文号>\"\nsigned = 2021-01-01",
    );
    d.date("published", p.published, p.published_note);
    if let Some((end, note)) = &p.pilot_end {
        d.date("pilot_end", *end, *note);
    }
    if let Some(note) = p.basis_note {
        d.comment(note.0, note.1);
    }
    if p.basis.is_empty() {
        d.comment(
            "The documents the plan rests on, by document number:\nbasis = [\"<Document number>\"]",
            "方案依据的文件（按文号）：\nbasis = [\"<文号>\"]",
        );
    } else {
        d.kv("basis", &list(&p.basis));
    }
    d.comment(
        "Where problems in implementation are reported (GD009 for Guangdong plans).",
        "实施过程中遇到的问题向哪个单位反映（广东的方案适用 GD009）。",
    );
    let contact = d.placeholder(T(
        "Agency to which implementation problems are reported",
        "实施中问题的反映单位",
    ));
    d.kv("contact_agency", &contact);
    d.blank();
}

/// The `[cdo]` table: the duties every CDO holds.
fn cdo_table(d: &mut Doc, p: &Profile) {
    d.line("[cdo]");
    d.comment(
        "The duties of every CDO in the plan. The duty ids:",
        "本方案中每位首席数据官的职责。职责编号：",
    );
    for (id, t) in DUTY_TEXT {
        let text = d.pick(*t);
        d.line(&format!("#   {id:<20} {text}"));
    }
    d.comment(p.duties_note.0, p.duties_note.1);
    d.line("duties = [");
    for duty in &p.duties {
        d.line(&format!("  {},", quote(duty)));
    }
    d.line("]");
    if p.qualifications {
        d.comment(
            "The three qualifications an appointee must bring (FS005).",
            "任职人员须具备的三项条件（FS005）。",
        );
        d.kv(
            "qualifications",
            &list(&["administration", "leadership", "big-data"]),
        );
    } else {
        d.comment(
            "What an appointee must bring, if the plan says:\nqualifications = [\"administration\", \"leadership\", \"big-data\"]",
            "任职条件（如方案有规定）：\nqualifications = [\"administration\", \"leadership\", \"big-data\"]",
        );
    }
    d.blank();
}

/// The `[governance]` table.
fn governance_table(d: &mut Doc) {
    d.line("[governance]");
    let lg = d.placeholder(T(
        "Leading group the CDOs work under",
        "首席数据官所在的领导小组",
    ));
    d.kv("leading_group", &lg);
    d.comment(
        "How the pilot is evaluated (GD008 for Guangdong plans).",
        "试点的评价机制（广东的方案适用 GD008）。",
    );
    let ev = d.placeholder(T("Evaluation mechanism of the pilot", "试点评价机制"));
    d.kv("evaluation", &ev);
    d.comment(
        "Optional:\nexecutive_cdo = \"<Post of the executive CDO>\"\ncoordination = \"<Coordination mechanism>\"",
        "可选：\nexecutive_cdo = \"<首席数据执行官职务>\"\ncoordination = \"<议事协调机制>\"",
    );
    d.blank();
}

/// The `[support]` table, when the packs ask for it.
fn support_table(d: &mut Doc, p: &Profile) {
    if p.support {
        d.line("[support]");
        d.comment(
            "Professional support: contract civil servants or purchased services (SZ005).\ncontract_civil_servants = 0",
            "专业支撑：聘任制公务员或购买专业服务（SZ005）。\ncontract_civil_servants = 0",
        );
        d.kv("purchased_services", "true");
        d.blank();
    }
}

/// The pilot units, group by group.
fn unit_tables(d: &mut Doc, p: &Profile) {
    d.comment(
        "---------------------------------------------------------------------------\nThe pilot units. Rename each id (lowercase letters, digits and -, e.g. \"xinhui\").\nEvery unit designates the post that holds its CDO role in [unit.cdo] (GD004): a chief\nor deputy leader (rank, GD005) in charge of digital government (GD006).\n---------------------------------------------------------------------------",
        "---------------------------------------------------------------------------\n试点单位。请改写每个 id（小写字母、数字和 -，例如 \"xinhui\"）。\n每个单位在 [unit.cdo] 中明确担任首席数据官的职务（GD004）：由分管数字政府建设（GD006）\n的正职或副职领导（rank，GD005）担任。\n---------------------------------------------------------------------------",
    );
    let mut first = true;
    for g in &p.groups {
        d.blank();
        d.comment(&g.heading.0, &g.heading.1);
        for u in &g.units {
            d.blank();
            unit(d, u, p.appointments, first);
            first = false;
        }
    }
    d.blank();
}

/// A milestone, and a commented-out waiver to copy.
fn milestones(d: &mut Doc, p: &Profile) {
    d.comment(
        "---------------------------------------------------------------------------\nMilestones: dated deliverables, none before the plan is published (CORE007).\n---------------------------------------------------------------------------",
        "---------------------------------------------------------------------------\n里程碑：有日期的交付事项，不得早于方案发布日期（CORE007）。\n---------------------------------------------------------------------------",
    );
    d.blank();
    d.line("[[milestone]]");
    d.date(
        "due",
        p.milestone,
        T("not before the plan is published", "不早于方案发布日期"),
    );
    let deliverable = d.pick(T(
        "CDOs appointed in all pilot units",
        "全部试点单位完成首席数据官任命",
    ));
    d.kv("deliverable", &quote(deliverable));
    d.blank();
    d.comment(
        "A rule that a notice states \"in principle\" (原则上) may be waived with a reason:\n[[waiver]]\nrule = \"GD005\"\nunit = \"<unit id>\"\nreason = \"<Why the exception is justified>\"\napproved_by = \"<Who approved it>\"\nexpires = 2022-06-30",
        "通知中“原则上”提出的要求，确有特殊情况的，可登记经批准的例外情形：\n[[waiver]]\nrule = \"GD005\"\nunit = \"<单位 id>\"\nreason = \"<例外理由>\"\napproved_by = \"<批准单位>\"\nexpires = 2022-06-30",
    );
}

fn unit(d: &mut Doc, u: &Unit, appointments: bool, first: bool) {
    d.line("[[unit]]");
    d.kv("id", &quote(&u.id));
    match &u.name {
        Name::Real { en, zh } => {
            d.kv("name", &quote(en));
            d.kv("name_zh", &quote(zh));
        }
        Name::Placeholder(t) => {
            let v = d.placeholder(*t);
            d.kv("name", &v);
        }
    }
    if first {
        d.kv_note(
            "level",
            &quote(u.level),
            T(
                "province, prefecture, county or township",
                "province、prefecture、county 或 township",
            ),
        );
        d.kv_note(
            "kind",
            &quote(u.kind),
            T(
                "government, department, zone, institution or enterprise",
                "government（政府）、department（部门）、zone（开发区）、institution（事业单位）或 enterprise（企业）",
            ),
        );
    } else {
        d.kv("level", &quote(u.level));
        d.kv("kind", &quote(u.kind));
    }
    if let Some((focus, hint)) = u.focus {
        let v = d.placeholder(focus);
        d.kv_note("focus", &v, hint);
    }
    d.blank();
    d.line("[unit.cdo]");
    let post = d.placeholder(CDO_POST);
    d.kv("position", &post);
    if first {
        d.kv_note(
            "rank",
            "\"deputy\"",
            T(
                "chief (正职), deputy (副职) or other",
                "chief（正职）、deputy（副职）或 other",
            ),
        );
        d.kv_note(
            "oversees_digital_government",
            "true",
            T(
                "the post leads digital government work",
                "该职务分管数字政府建设",
            ),
        );
    } else {
        d.kv("rank", "\"deputy\"");
        d.kv("oversees_digital_government", "true");
    }
    if appointments {
        if u.kind == "government" {
            d.kv("appointed_by", "\"leading-group\"");
        } else {
            d.kv("appointed_by", "\"unit\"");
            d.kv("filed_with", "\"leading-group-office\"");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{self, Options};
    use crate::plan::Plan;
    use crate::source::{Source, SourceDb};

    /// The codes a skeleton earns, checked as it stands.
    fn codes(text: &str) -> Vec<String> {
        let mut db = SourceDb::default();
        let rules = Rules::builtin(&mut db).unwrap_or_else(|_| panic!("the built-in packs load"));
        let source = db.add(Source::new("skeleton.toml", text));
        let plan = Plan::from_text(source, &db.get(source).text, Lang::En);
        let opts = Options {
            today: Date::today(),
            waivers: true,
            packs: None,
            lang: Lang::En,
        };
        let checked = eval::check(&plan, &rules, &opts);
        checked
            .findings
            .iter()
            .map(|f| f.code.to_string())
            .collect()
    }

    fn skeleton_for(j: Option<&str>, level: Option<Level>, lang: Lang) -> String {
        let mut db = SourceDb::default();
        let rules = Rules::builtin(&mut db).unwrap_or_else(|_| panic!("the built-in packs load"));
        skeleton(j, level, lang, &rules)
    }

    #[test]
    fn every_skeleton_earns_placeholder_findings_only() {
        let places = [
            None,
            Some("Jiangmen"),
            Some("江门"),
            Some("Zhongshan"),
            Some("Shenzhen"),
            Some("Foshan"),
            Some("Beijing"),
            Some("Department of Public Security"),
            Some("Springfield"),
        ];
        for j in places {
            for lang in [Lang::En, Lang::Zh] {
                let text = skeleton_for(j, None, lang);
                let codes = codes(&text);
                assert!(!codes.is_empty(), "{j:?} {lang:?}: no placeholder found");
                assert!(
                    codes.iter().all(|c| c == "CORE008"),
                    "{j:?} {lang:?}: {codes:?}\n{text}"
                );
            }
        }
    }

    #[test]
    fn quoting_escapes_what_toml_needs() {
        assert_eq!(quote("a\"b\\c\u{7f}"), "\"a\\\"b\\\\c\\u007F\"");
        let v: toml::Table = toml::from_str(&format!("k = {}", quote("x\"\n\u{1}y"))).unwrap();
        assert_eq!(v["k"].as_str(), Some("x\"\n\u{1}y"));
    }

    #[test]
    fn a_jurisdiction_given_in_chinese_is_recognised() {
        let text = skeleton_for(Some("江门"), None, Lang::Zh);
        assert!(text.contains("jurisdiction = \"Jiangmen\""));
        assert!(text.contains("jurisdiction_zh = \"江门市\""));
        assert!(text.contains("<县（市、区）人民政府名称>"));
    }
}
