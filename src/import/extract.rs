//! The field readers: from a document's lines to the values of a draft
//! plan, each with the line it was read from and whether it was guessed.
//! Every reader is a bounded scan of a line (no regular expressions, no
//! backtracking), so the whole reading is linear in the document's size.

use std::sync::Arc;

use super::words::Words;
use crate::init::Places;
use crate::rules::init_data::{Place, Province};
use crate::rules::Rules;

/// Where a value came from: a 1-based document line; `guessed` when it was
/// inferred (a kind from a name's ending, a name completed with the place).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Ev {
    pub(crate) line: usize,
    pub(crate) guessed: bool,
    /// The character of the line the words start at (the comment quotes
    /// from there).
    pub(crate) col: usize,
}

/// `name` completed with the place, when one is known, with the evidence of
/// line `line`: guessed when the place was added.
fn completed(place: Option<&Where>, name: &str, line: usize) -> (String, Ev) {
    let (name, guessed) = match place {
        Some(p) => p.complete(name),
        None => (name.to_string(), false),
    };
    let ev = Ev {
        line,
        guessed,
        col: 0,
    };
    (name, ev)
}

impl Ev {
    fn read(line: usize) -> Ev {
        Ev {
            line,
            guessed: false,
            col: 0,
        }
    }
    fn guessed(line: usize) -> Ev {
        Ev {
            line,
            guessed: true,
            col: 0,
        }
    }

    /// Where `part`, a slice of the (trimmed, normalised) `line`, starts.
    fn at(self, line: &str, part: &str) -> Ev {
        let off = (part.as_ptr() as usize).wrapping_sub(line.as_ptr() as usize);
        let col = if off <= line.len() && line.is_char_boundary(off) {
            line[..off].chars().count()
        } else {
            0
        };
        Ev { col, ..self }
    }
}

/// The full line `no` of `lines`.
fn full<'a>(lines: &[(usize, &'a str)], no: usize) -> &'a str {
    lines.get(no.wrapping_sub(1)).map_or("", |l| l.1)
}

pub(crate) type Val<T> = Option<(T, Ev)>;

/// Everything read from a document.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub(crate) title_zh: Val<String>,
    pub(crate) document_number: Val<String>,
    pub(crate) jurisdiction_zh: Val<String>,
    pub(crate) jurisdiction: Val<String>,
    pub(crate) level: Val<&'static str>,
    pub(crate) province: Val<String>,
    pub(crate) issuer: Val<String>,
    pub(crate) signed: Val<String>,
    pub(crate) basis: Val<Vec<String>>,
    pub(crate) contact_agency: Val<String>,
    pub(crate) duties: Vec<(String, Ev)>,
    pub(crate) units: Vec<Unit>,
    pub(crate) leading_group: Val<String>,
    pub(crate) evaluation: Val<String>,
    pub(crate) milestones: Vec<(String, String, Ev)>,
    pub(crate) contract_civil_servants: Option<Ev>,
    pub(crate) purchased_services: Option<Ev>,
    pub(crate) data_specialists: Option<Ev>,
    pub(crate) expert_panel: Option<Ev>,
    /// The scope listed more units than are read (`MAX_UNITS`).
    pub(crate) units_capped: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Unit {
    pub(crate) id: String,
    /// The name as listed (`福田区`), to find its focus sentence.
    pub(crate) listed: String,
    pub(crate) name_zh: (String, Ev),
    pub(crate) kind: Val<&'static str>,
    pub(crate) level: Val<&'static str>,
    pub(crate) focus: Val<String>,
    pub(crate) cdo: UnitCdo,
}

#[derive(Debug, Default)]
pub(crate) struct UnitCdo {
    /// The post as the document words it (a hint inside the placeholder).
    pub(crate) hint: Option<String>,
    pub(crate) rank: Val<&'static str>,
    pub(crate) oversees: Option<Ev>,
    pub(crate) concurrent: Val<bool>,
    pub(crate) appointed_by: Val<String>,
    pub(crate) filed_with: Val<String>,
}

/// Full-width and half-width punctuation alike, one character for one, so
/// that character positions stay those of the line as written.
pub(crate) fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            '[' | '【' | '［' => '〔',
            ']' | '】' | '］' => '〕',
            ',' => '，',
            ':' => '：',
            ';' => '；',
            '\u{3000}' | '\u{a0}' => ' ',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A document's lines, as written and normalised.
pub(crate) struct Text {
    norm: Vec<String>,
}

impl Text {
    pub(crate) fn new(orig: &[String]) -> Text {
        Text {
            norm: orig.iter().map(|l| normalise(l)).collect(),
        }
    }

    /// (1-based line number, normalised trimmed text).
    fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.norm.iter().enumerate().map(|(i, l)| (i + 1, l.trim()))
    }

    /// A plan names 首席数据官 (or chief data officer) and a 方案 (or plan).
    pub(crate) fn is_plan(&self, w: &Words) -> bool {
        let has = |words: &[String]| {
            self.norm.iter().any(|l| {
                let l = l.to_lowercase();
                words.iter().any(|w| word_in(&l, w))
            })
        };
        has(&w.plan.cdo) && has(&w.plan.plan)
    }
}

/// `w` in `s`; an English word only as a word (`plan`, not `explanation`).
fn word_in(s: &str, w: &str) -> bool {
    if !w.is_ascii() {
        return s.contains(w);
    }
    s.match_indices(w).any(|(i, _)| {
        let before = s[..i].chars().next_back();
        let rest = &s[i + w.len()..];
        let after = rest.strip_prefix('s').unwrap_or(rest).chars().next();
        !before.is_some_and(|c| c.is_ascii_alphabetic())
            && !after.is_some_and(|c| c.is_ascii_alphabetic())
    })
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Sentences (clauses ended by 。；！？).
fn clauses(s: &str) -> impl Iterator<Item = &str> {
    s.split(['。', '；', '！', '？'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
}

fn has_any(s: &str, words: &[String]) -> bool {
    words.iter().any(|w| s.contains(w.as_str()))
}

/// The words of a phrase, in this order.
fn has_phrase(s: &str, parts: &[String]) -> Option<usize> {
    let mut at = 0;
    let mut first = None;
    for p in parts {
        let i = s[at..].find(p.as_str())? + at;
        first.get_or_insert(i);
        at = i + p.len();
    }
    first
}

const CN_DIGITS: &str = "一二三四五六七八九十百零〇";

/// The rank of a numbered heading: 一、 1; （一） 2; 1. 3; （1） 4.
fn heading_level(line: &str) -> Option<u8> {
    let t = line.trim_start();
    let cn = t.chars().take_while(|c| CN_DIGITS.contains(*c)).count();
    if cn > 0 && t.chars().nth(cn) == Some('、') {
        return Some(1);
    }
    if let Some(rest) = t.strip_prefix('（') {
        let cn = rest.chars().take_while(|c| CN_DIGITS.contains(*c)).count();
        if cn > 0 && rest.chars().nth(cn) == Some('）') {
            return Some(2);
        }
        let d = rest.chars().take_while(char::is_ascii_digit).count();
        if d > 0 && rest.chars().nth(d) == Some('）') {
            return Some(4);
        }
    }
    let d = t.chars().take_while(char::is_ascii_digit).count();
    if d > 0 && matches!(t.chars().nth(d), Some('.' | '．' | '、')) {
        return Some(3);
    }
    None
}

/// A line without its heading number.
fn unnumbered(line: &str) -> &str {
    let t = line.trim();
    if heading_level(t).is_none() {
        return t;
    }
    let end = t
        .char_indices()
        .find(|(_, c)| matches!(c, '、' | '）' | '.' | '．'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    t[end..].trim()
}

/// Every 文号 in `s` (`粤办函〔2021〕63号`), in order: characters, 〔year〕,
/// number, 号; what precedes it that is not part of it is dropped.
fn numbers(s: &str, w: &Words) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len() {
        // 〔2021〕, and (2021) as some write it: read as 〔2021〕.
        let close = match chars[i] {
            '〔' => '〕',
            '（' => '）',
            _ => continue,
        };
        let year: String = chars[i + 1..].iter().take(4).collect();
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if chars.get(i + 5) != Some(&close) {
            continue;
        }
        let digits = chars[i + 6..]
            .iter()
            .take(7)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 || digits > 6 || chars.get(i + 6 + digits) != Some(&'号') {
            continue;
        }
        let back = chars[..i]
            .iter()
            .rev()
            .take(12)
            .take_while(|c| is_cjk(**c))
            .count();
        let mut prefix: String = chars[i - back..i].iter().collect();
        loop {
            let cut = w
                .plan
                .number_prefixes
                .iter()
                .filter_map(|p| prefix.find(p.as_str()).map(|at| at + p.len()))
                .max();
            match cut {
                Some(at) if at < prefix.len() => prefix = prefix[at..].to_string(),
                _ => break,
            }
        }
        if prefix.is_empty() {
            continue;
        }
        let number: String = chars[i + 6..i + 6 + digits].iter().collect();
        out.push(format!("{prefix}〔{year}〕{number}号"));
    }
    out
}

fn month_end(y: u32, m: u32) -> u32 {
    let (Ok(y), Ok(m)) = (u16::try_from(y), u8::try_from(m)) else {
        return 31;
    };
    match crate::plan::Date::days_in_month(y, m) {
        0 => 31,
        d => u32::from(d),
    }
}

/// `YYYY-MM-DD`, when the day exists.
fn iso(y: u32, m: u32, d: u32) -> Option<String> {
    ((1900..=2999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= month_end(y, m))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Digits at the start of `s` (at most `max`), their value and length.
fn lead_number(s: &str, max: usize) -> Option<(u32, usize)> {
    let n = s
        .bytes()
        .take(max + 1)
        .take_while(u8::is_ascii_digit)
        .count();
    (n > 0 && n <= max).then(|| s[..n].parse().ok().map(|v| (v, n)))?
}

/// Chinese numerals in a date as digits: 二〇二一年八月三日 → 2021年8月3日
/// (the year digit by digit, months and days with 十).
fn cn_date(s: &str) -> Option<String> {
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .or((c == '零').then_some(0))
    };
    let (y, rest) = s.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let year: Option<String> = y
        .chars()
        .map(|c| digit(c).map(|n| char::from(b'0' + n as u8)))
        .collect();
    let small = |t: &str| -> Option<u32> {
        let c: Vec<char> = t.chars().collect();
        match c.as_slice() {
            ['十'] => Some(10),
            [a] => digit(*a).map(|n| n as u32),
            ['十', b] => digit(*b).map(|n| 10 + n as u32),
            [a, '十'] => digit(*a).map(|n| 10 * n as u32),
            [a, '十', b] => Some(10 * digit(*a)? as u32 + digit(*b)? as u32),
            _ => None,
        }
    };
    Some(format!("{}年{}月{}日", year?, small(m)?, small(d)?))
}

/// A line that is a date and nothing else: `2021年8月3日` (or in Chinese
/// numerals, 二〇二一年八月三日).
fn date_line(s: &str) -> Option<String> {
    let s = s.trim();
    let converted;
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) {
        s
    } else {
        converted = cn_date(s)?;
        converted.as_str()
    };
    let (y, n) = lead_number(s, 4)?;
    let s = s[n..].strip_prefix('年')?.trim_start();
    let (m, n) = lead_number(s, 2)?;
    let s = s[n..].strip_prefix('月')?.trim_start();
    let (d, n) = lead_number(s, 2)?;
    let rest = s[n..].strip_prefix('日')?;
    rest.trim().is_empty().then_some(())?;
    iso(y, m, d)
}

/// Each deadline in `s`: `2021年12月底前`, `2021年12月前`, `到2022年6月`,
/// `2021年12月31日前`; the due date (a month's last day when no day is given).
fn deadlines(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in s.match_indices('年') {
        let before = &s[..i];
        let digits = before.bytes().rev().take_while(u8::is_ascii_digit).count();
        if digits != 4 {
            continue;
        }
        let Ok(y) = before[i - 4..].parse::<u32>() else {
            continue;
        };
        let head = &before[..i - 4];
        let after = &s[i + '年'.len_utf8()..];
        // 2021年底前: the year's last day.
        if after.starts_with('底') {
            out.extend(iso(y, 12, 31));
            continue;
        }
        let Some((m, n)) = lead_number(after, 2) else {
            continue;
        };
        let Some(after) = after[n..].strip_prefix('月') else {
            continue;
        };
        let mut day = None;
        let mut rest = after;
        if let Some((d, n)) = lead_number(after, 2) {
            if let Some(r) = after[n..].strip_prefix('日') {
                day = Some(d);
                rest = r;
            }
        }
        let ends = rest.starts_with('底') || rest.starts_with('前') || rest.starts_with("以前");
        let starts = ["到", "至", "截至", "于"].iter().any(|w| head.ends_with(w));
        if !(ends || starts) {
            continue;
        }
        if let Some(due) = iso(y, m, day.unwrap_or_else(|| month_end(y, m.clamp(1, 12)))) {
            out.push(due);
        }
    }
    out
}

/// The jurisdiction: a place of the province data or the packs.
#[derive(Clone, Debug)]
struct Where {
    zh: String,
    /// The prefix a name like `市公安局` is completed with (`深圳`), with
    /// the word it replaces (`市`); for a district plan also `区`.
    city_zh: Option<String>,
    district_zh: Option<String>,
    province_zh: Option<String>,
    city: Option<Place>,
    province: Option<Arc<Province>>,
    level: &'static str,
    below: &'static str,
    id: String,
    english: Option<String>,
}

fn level_below(level: &str) -> &'static str {
    crate::init::below(level)
}

/// The place a title names.
fn place(head: &str, places: &Places, rules: &Rules) -> Option<Where> {
    let provinces = places.provinces();
    // A provincial department.
    for pr in provinces {
        for d in &pr.departments {
            if d.name_zh.as_deref().is_some_and(|n| head.contains(n)) {
                return Some(Where {
                    zh: d.name_zh.clone().unwrap_or_default(),
                    city_zh: None,
                    district_zh: None,
                    province_zh: pr.name_zh.clone(),
                    city: None,
                    province: Some(pr.clone()),
                    level: d.level,
                    below: level_below(d.level),
                    id: d.id.clone(),
                    english: Some(d.name.clone()),
                });
            }
        }
    }
    // A city, then one of its divisions.
    let city_of = |head: &str| {
        for pr in provinces {
            for c in &pr.cities {
                let zh = c.name_zh.as_deref().unwrap_or_default();
                let short = zh.trim_end_matches('市');
                if (!zh.is_empty() && head.contains(zh))
                    || (short.chars().count() >= 2 && head.contains(short))
                {
                    return Some((pr.clone(), c.clone()));
                }
            }
        }
        None
    };
    let mut found = city_of(head);
    let mut division = None;
    match &found {
        Some((_, c)) => {
            division = c
                .divisions
                .iter()
                .find(|u| u.name_zh.as_deref().is_some_and(|n| head.contains(n)))
                .cloned();
        }
        None => {
            'outer: for pr in provinces {
                for c in &pr.cities {
                    for u in &c.divisions {
                        let n = u.name_zh.as_deref().unwrap_or_default();
                        if n.chars().count() >= 2 && head.contains(n) {
                            found = Some((pr.clone(), c.clone()));
                            division = Some(u.clone());
                            break 'outer;
                        }
                    }
                }
            }
        }
    }
    if let Some((pr, c)) = found {
        let city_zh = c.name_zh.clone().unwrap_or_default();
        let below = c.division_level.unwrap_or(level_below(c.level));
        let pack_name = places
            .find(rules, &city_zh)
            .map(|j| j.place.name)
            .unwrap_or_else(|| c.name.clone());
        return Some(match division {
            // A county-level city (台山市) is a city of its own: its
            // bureaus are 台山市…, not the prefecture's.
            Some(u) if u.name_zh.as_deref().is_some_and(|n| n.ends_with('市')) => {
                let d_zh = u.name_zh.clone().unwrap_or_default();
                let level = u.level.unwrap_or(below);
                Where {
                    zh: d_zh.clone(),
                    city_zh: Some(d_zh),
                    district_zh: None,
                    province_zh: pr.name_zh.clone(),
                    city: None,
                    province: Some(pr),
                    level,
                    below: level_below(level),
                    id: format!("{}-{}", c.id, u.id),
                    english: Some(format!("{}, {}", u.name, pack_name)),
                }
            }
            Some(u) => {
                let d_zh = u.name_zh.clone().unwrap_or_default();
                let level = u.level.unwrap_or(below);
                Where {
                    zh: format!("{city_zh}{d_zh}"),
                    city_zh: Some(city_zh),
                    district_zh: Some(d_zh),
                    province_zh: pr.name_zh.clone(),
                    city: Some(c.clone()),
                    province: Some(pr),
                    level,
                    below: level_below(level),
                    id: format!("{}-{}", c.id, u.id),
                    english: Some(format!("{}, {}", u.name, pack_name)),
                }
            }
            None => Where {
                zh: city_zh.clone(),
                city_zh: Some(city_zh),
                district_zh: None,
                province_zh: pr.name_zh.clone(),
                city: Some(c.clone()),
                province: Some(pr),
                level: c.level,
                below,
                id: c.id.clone(),
                english: Some(pack_name),
            },
        });
    }
    // A place the data do not know: its level from its ending.
    let head = head.trim();
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_cjk(*c))
        .last()
        .map_or(head.len(), |(i, _)| i);
    let name = &head[start..];
    if name.chars().count() < 2 || name.chars().count() > 20 {
        return None;
    }
    let english = places.find(rules, name).map(|j| j.place.name);
    let (level, city, district) =
        if name.ends_with('厅') || (name.contains('省') && name.ends_with('局')) {
            ("province", None, None)
        } else if name.ends_with('市') {
            ("prefecture", Some(name.to_string()), None)
        } else if name.ends_with('区') || name.ends_with('县') {
            let city = name
                .find('市')
                .map(|i| name[..i + '市'.len_utf8()].to_string());
            ("county", city, Some(name.to_string()))
        } else {
            return None;
        };
    Some(Where {
        zh: name.to_string(),
        city_zh: city,
        district_zh: district,
        province_zh: name
            .find('省')
            .map(|i| name[..i + '省'.len_utf8()].to_string()),
        city: None,
        province: None,
        level,
        below: level_below(level),
        id: "unit".into(),
        english,
    })
}

impl Where {
    /// Is `p` (a bare place name) one of the city's divisions?
    fn is_division(&self, p: &str) -> bool {
        self.city.as_ref().is_some_and(|c| {
            c.divisions.iter().any(|u| {
                u.name_zh
                    .as_deref()
                    .is_some_and(|n| n == p || p.ends_with(n))
            })
        })
    }

    fn is_self(&self, p: &str) -> bool {
        let short = |s: &str| s.trim_end_matches(['市', '区', '县']).to_string();
        p == self.zh
            || self
                .district_zh
                .as_deref()
                .is_some_and(|d| p == d || p == "区" || p == "县")
            || (self.district_zh.is_none()
                && self
                    .city_zh
                    .as_deref()
                    .is_some_and(|c| p == c || p == "市" || short(p) == short(c)))
    }

    /// A listed name completed with the place (`市公安局` → `深圳市公安局`);
    /// `true` when it was completed.
    fn complete(&self, name: &str) -> (String, bool) {
        // 市本级: the issuer's own government.
        if name.ends_with("本级") && self.city_zh.is_some() {
            return (format!("{}人民政府", self.zh), true);
        }
        let mut out = name.to_string();
        let mut done = false;
        if let Some(city) = &self.city_zh {
            let short = city.trim_end_matches('市');
            if let Some(rest) = name.strip_prefix('市') {
                if !name.starts_with(city.as_str()) {
                    out = format!("{city}{rest}");
                    done = true;
                }
            } else if let (Some(d), Some(rest)) = (
                &self.district_zh,
                name.strip_prefix('区').or_else(|| name.strip_prefix('县')),
            ) {
                out = format!("{city}{d}{rest}");
                done = true;
            } else if !name.starts_with(short) && self.division_prefix(name) {
                out = format!("{city}{name}");
                done = true;
            }
        } else if let (Some(pr), Some(rest)) = (&self.province_zh, name.strip_prefix('省')) {
            out = format!("{pr}{rest}");
            done = true;
        } else if let Some(last) = self.zh.chars().last().filter(|c| matches!(c, '厅' | '局')) {
            // A department's own bodies: 厅机关 → 广东省公安厅机关.
            if name.starts_with(last) {
                out = format!("{}{name}", &self.zh[..self.zh.len() - last.len_utf8()]);
                done = true;
            }
        }
        // A town or sub-district (大良街道) is named with its district.
        if !done && (name.ends_with(['镇', '乡']) || name.ends_with("街道")) {
            let shorts = [self.city_zh.as_deref(), self.district_zh.as_deref()];
            let named = shorts.iter().flatten().any(|p| {
                let short = p.trim_end_matches(['市', '区', '县']);
                !short.is_empty() && name.starts_with(short)
            });
            if !named && self.city_zh.is_some() {
                out = format!("{}{name}", self.zh);
                done = true;
            }
        }
        // 市政府 → 市人民政府: the full name of a people's government.
        let full = people_s_government(&out);
        if full != out {
            out = full;
            done = true;
        }
        (out, done)
    }

    /// Does `name` start with one of the city's divisions?
    fn division_prefix(&self, name: &str) -> bool {
        self.city.as_ref().is_some_and(|c| {
            c.divisions
                .iter()
                .any(|u| u.name_zh.as_deref().is_some_and(|n| name.starts_with(n)))
        })
    }
}

/// `政府` after a place word (市, 区, 县, 镇, 乡) written `人民政府`.
fn people_s_government(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 6);
    let mut rest = name;
    while let Some(i) = rest.find("政府") {
        let before = &rest[..i];
        out.push_str(before);
        if before.ends_with(['市', '区', '县', '镇', '乡']) {
            out.push_str("人民");
        }
        out.push_str("政府");
        rest = &rest[i + "政府".len()..];
    }
    out.push_str(rest);
    out
}

/// Reads every field of a plan document.
pub(crate) fn read(text: &Text, w: &Words, places: &Places, rules: &Rules) -> Draft {
    let mut d = Draft::default();
    let lines: Vec<(usize, &str)> = text.lines().collect();

    // The cover notice: its number, its date and the signature above it.
    let number_line = lines.iter().find_map(|(no, l)| {
        let n = numbers(l, w);
        let alone = n.len() == 1 && n[0].chars().count() == l.chars().count();
        alone.then(|| (*no, n[0].clone()))
    });
    if let Some((no, number)) = number_line {
        d.document_number = Some((number, Ev::read(no)));
    }
    let date = lines
        .iter()
        .find_map(|(no, l)| date_line(l).map(|iso| (*no, iso)));
    if let Some((no, iso)) = &date {
        d.signed = Some((iso.clone(), Ev::read(*no)));
    }

    // The title.
    let title = title(&lines, w);
    let mut place_at = None;
    if let Some((no, t)) = &title {
        d.title_zh = Some((t.clone(), Ev::read(*no)));
        let head = t
            .find("首席数据官")
            .map_or(t.as_str(), |i| &t[..i])
            .trim_end_matches("关于");
        place_at = place(head, places, rules).map(|p| (*no, p));
    }
    let basis_line = basis(&lines, title.as_ref().map_or(0, |t| t.0), w);
    if let Some((no, nums)) = &basis_line {
        let own = d.document_number.as_ref().map(|n| n.0.as_str());
        let mut list: Vec<String> = Vec::new();
        for n in nums {
            if Some(n.as_str()) != own && !list.contains(n) {
                list.push(n.clone());
            }
        }
        if !list.is_empty() {
            d.basis = Some((list, Ev::read(*no)));
        }
    }

    if let Some((no, p)) = &place_at {
        d.jurisdiction_zh = Some((p.zh.clone(), Ev::read(*no)));
        // A plan's level is one of the plan format's (a town's is not).
        if crate::plan::schema::LEVELS.contains(&p.level) {
            d.level = Some((p.level, Ev::guessed(*no)));
        }
        if let Some(en) = &p.english {
            d.jurisdiction = Some((en.clone(), Ev::guessed(*no)));
        }
        if let Some(pr) = &p.province {
            d.province = Some((pr.name.clone(), Ev::guessed(*no)));
        }
    }
    if d.province.is_none() {
        if let Some((nums, ev)) = &d.basis {
            let by = |c: char| nums.iter().any(|n| n.starts_with(c));
            if by('粤') {
                d.province = Some(("Guangdong".into(), Ev::guessed(ev.line)));
            } else if by('京') {
                d.province = Some(("Beijing".into(), Ev::guessed(ev.line)));
            }
        }
    }
    let place = place_at.map(|p| p.1);

    // The issuer: the signature above the notice's date.
    if let Some((no, _)) = &date {
        let sig = lines
            .iter()
            .rev()
            .filter(|(n, l)| n < no && !l.is_empty())
            .map(|(n, l)| (*n, *l))
            .next();
        if let Some((n, s)) = sig {
            let ok = s.chars().count() <= 40
                && !s.ends_with('。')
                && !s.contains('，')
                && (s.contains("政府") || s.ends_with(['厅', '局', '室', '委', '会', '办']));
            if ok {
                d.issuer = Some(completed(place.as_ref(), s, n));
            }
        }
    }

    // The contact agency: 请径向…反映.
    if let [open, close] = &w.plan.contact[..] {
        for (no, l) in &lines {
            if let Some(i) = l.find(open.as_str()) {
                let rest = &l[i + open.len()..];
                if let Some(j) = rest.find(close.as_str()) {
                    let name = rest[..j].trim();
                    if !name.is_empty() && name.chars().count() <= 40 {
                        d.contact_agency = Some(completed(place.as_ref(), name, *no));
                        break;
                    }
                }
            }
        }
    }

    (d.units, d.units_capped) = units(&lines, w, place.as_ref());
    cdo(&lines, w, &mut d.units, place.as_ref().map(|p| p.level));
    let section = duties_section(&lines, w);
    focus(&lines, w, &mut d.units);
    d.duties = duties(&lines, section, w, &d.units);

    // Governance.
    for (no, l) in &lines {
        if let Some(name) = leading_group(l, w) {
            d.leading_group = Some(completed(place.as_ref(), &name, *no));
            break;
        }
    }
    let in_section = |no: usize| section.is_some_and(|(a, b)| no >= a && no < b);
    let eval_line = lines
        .iter()
        .filter(|(no, _)| !in_section(*no))
        .chain(lines.iter().filter(|(no, _)| in_section(*no)))
        .find_map(|(no, l)| {
            clauses(l)
                .filter(|c| !(heading_level(c).is_some() && c.chars().count() <= 16))
                .find(|c| has_any(c, &w.governance.evaluation))
                .map(|c| (Ev::read(*no).at(l, c), unnumbered(c).to_string()))
        });
    if let Some((ev, e)) = eval_line {
        d.evaluation = Some((e, ev));
    }

    // Milestones.
    let signed_line = d.signed.as_ref().map(|s| s.1.line);
    for (no, l) in &lines {
        if Some(*no) == signed_line {
            continue;
        }
        for c in clauses(l) {
            for due in deadlines(c) {
                let what = unnumbered(c).to_string();
                if !d.milestones.iter().any(|m| m.0 == due && m.1 == what) {
                    d.milestones.push((due, what, Ev::read(*no).at(l, c)));
                }
            }
        }
    }

    // Support.
    let find = |pred: &dyn Fn(&str) -> bool| {
        lines
            .iter()
            .find(|(_, l)| pred(l))
            .map(|(n, _)| Ev::read(*n))
    };
    d.contract_civil_servants = find(&|l| has_any(l, &w.support.contract_civil_servants));
    let phrased = |phrases: &[Vec<String>]| {
        find(&|l: &str| clauses(l).any(|c| phrases.iter().any(|p| has_phrase(c, p).is_some())))
    };
    d.purchased_services = phrased(&w.support.purchased_services);
    d.data_specialists = phrased(&w.support.data_specialists);
    d.expert_panel = phrased(&w.support.expert_panel);
    d
}

/// The plan's title: a line naming a 方案 that is only a title; else the
/// 《…方案》 a line quotes; else what 关于印发…的通知 names.
fn title(lines: &[(usize, &str)], w: &Words) -> Option<(usize, String)> {
    let _ = w;
    let clean = |s: &str| s.trim().trim_matches(['《', '》']).trim().to_string();
    for (no, l) in lines {
        let t = clean(l);
        // A trailing （试行）, （2021—2023年） is part of the title.
        let core = match t
            .strip_suffix('）')
            .and_then(|x| x.rfind('（').map(|i| &x[..i]))
        {
            Some(c) => c,
            None => t.as_str(),
        };
        let ends = core.ends_with("方案");
        if ends
            && !t.contains("关于印发")
            && !t.contains(['，', '。', '：'])
            && t.chars().count() <= 80
        {
            return Some((*no, t));
        }
    }
    for (no, l) in lines {
        if let Some(i) = l.find('《') {
            let rest = &l[i + '《'.len_utf8()..];
            if let Some(j) = rest.find('》') {
                let t = rest[..j].trim();
                if t.ends_with("方案") && t.chars().count() <= 80 {
                    return Some((*no, t.to_string()));
                }
            }
        }
    }
    for (no, l) in lines {
        if let (Some(i), Some(j)) = (l.find("关于印发"), l.find("的通知")) {
            if i + "关于印发".len() < j {
                let t = l[i + "关于印发".len()..j].trim();
                if t.contains("方案") && t.chars().count() <= 80 {
                    return Some((*no, clean(t)));
                }
            }
        }
    }
    None
}

/// The opening paragraph after the title and the 文号 it cites.
fn basis(lines: &[(usize, &str)], after: usize, w: &Words) -> Option<(usize, Vec<String>)> {
    lines
        .iter()
        .filter(|(no, _)| *no > after)
        .find(|(_, l)| {
            w.plan
                .opening
                .iter()
                .any(|o| l.starts_with(o.as_str()) || l.contains(o.as_str()))
        })
        .map(|(no, l)| (*no, numbers(l, w)))
        .filter(|(_, n)| !n.is_empty())
}

/// The most lines a scope runs to after its heading (a table of units
/// in a .docx is a paragraph per cell).
const SCOPE_LINES: usize = 80;

/// The scope's lines: after its heading, to the next heading of its rank;
/// else the first sentence naming where the pilot is set up.
fn scope_lines<'a>(lines: &[(usize, &'a str)], w: &Words) -> Vec<(usize, &'a str)> {
    for (i, (no, l)) in lines.iter().enumerate() {
        let Some(at) = w
            .scope
            .headings
            .iter()
            .find_map(|h| l.find(h.as_str()).map(|a| a + h.len()))
        else {
            continue;
        };
        let rank = heading_level(l);
        // The heading itself (before its first 。 or ：) names the scope and
        // is short: 二、试点范围 / （一）试点范围。…, not a sentence that
        // mentions 试点单位.
        let title = unnumbered(l).split(['。', '：']).next().unwrap_or("");
        let is_heading = title.chars().count() <= 12
            && w.scope.headings.iter().any(|h| title.contains(h.as_str()));
        if !is_heading {
            continue;
        }
        let mut out = Vec::new();
        let rest = l[at..].trim_start_matches(['。', '：', ' ', '．']);
        if !rest.is_empty() {
            out.push((*no, rest));
        }
        for (no, l) in lines[i + 1..].iter().take(SCOPE_LINES) {
            if let Some(r) = heading_level(l) {
                if rank.is_none_or(|k| r <= k) {
                    break;
                }
            }
            if !l.is_empty() {
                out.push((*no, *l));
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    lines
        .iter()
        .find(|(_, l)| has_any(l, &w.scope.sentences) && l.contains('、'))
        .map(|(no, l)| vec![(*no, *l)])
        .unwrap_or_default()
}

/// Drops `等8个市直单位` (等, a number, 个, up to the next separator).
fn drop_counted(s: &str, w: &Words) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('等') {
        let after = &rest[i + '等'.len_utf8()..];
        let n = after
            .chars()
            .take_while(|c| {
                c.is_ascii_digit() || CN_DIGITS.contains(*c) || *c == '余' || *c == '多'
            })
            .map(char::len_utf8)
            .sum::<usize>();
        if n == 0 || !after[n..].starts_with('个') {
            out.push_str(&rest[..i + '等'.len_utf8()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..i]);
        let tail = &after[n..];
        let stop = w
            .scope
            .separators
            .iter()
            .chain(&w.scope.conjunctions)
            .filter_map(|s| tail.find(s.as_str()))
            .min()
            .unwrap_or(tail.len());
        rest = &tail[stop..];
    }
    out.push_str(rest);
    out
}

/// `以及市公安局` after a comma: the conjunction opens the item, it is not
/// part of the name. A one-character conjunction is taken only before the
/// place words a name then starts with (`和市卫生健康局`), so that 和平县
/// keeps its first character.
fn strip_conjunction<'a>(piece: &'a str, w: &Words) -> &'a str {
    for c in &w.scope.conjunctions {
        if let Some(rest) = piece.strip_prefix(c.as_str()) {
            let rest = rest.trim_start();
            let multi = c.chars().count() > 1;
            if !rest.is_empty()
                && (multi || ["市", "省", "区", "县"].iter().any(|p| rest.starts_with(p)))
            {
                return rest;
            }
        }
    }
    piece
}

/// The unit names a scope sentence lists.
fn list_items(sentence: &str, w: &Words) -> Vec<String> {
    let mut s = sentence.trim();
    if let Some(i) = s.rfind('：') {
        s = &s[i + '：'.len_utf8()..];
    }
    let lead = w
        .scope
        .leading
        .iter()
        .filter_map(|l| s.find(l.as_str()).map(|i| (i, i + l.len())))
        .filter(|(i, _)| s[..*i].chars().count() <= 20)
        .min_by_key(|(i, _)| *i);
    if let Some((_, end)) = lead {
        s = &s[end..];
    }
    let s = drop_counted(s, w);
    let cut = w
        .scope
        .trailing
        .iter()
        .filter_map(|t| s.find(t.as_str()).filter(|i| *i > 0))
        .min()
        .unwrap_or(s.len());
    let s = &s[..cut];
    let mut items = Vec::new();
    for piece in s.split(|c: char| w.scope.separators.iter().any(|sep| sep.starts_with(c))) {
        let mut rest = strip_conjunction(piece.trim(), w);
        'conj: loop {
            let mut search = 0;
            while search < rest.len() {
                let next = w
                    .scope
                    .conjunctions
                    .iter()
                    .filter_map(|c| {
                        rest[search..]
                            .find(c.as_str())
                            .map(|i| (i + search, c.len()))
                    })
                    .min_by_key(|(i, _)| *i);
                let Some((i, len)) = next else {
                    break;
                };
                let left = rest[..i].trim();
                if i > 0 && w.ending(left).is_some() && !rest[i + len..].trim().is_empty() {
                    items.push(left.to_string());
                    rest = rest[i + len..].trim();
                    continue 'conj;
                }
                search = i + len;
            }
            break;
        }
        let rest = rest.trim_start_matches('各').trim();
        if !rest.is_empty() {
            items.push(rest.to_string());
        }
    }
    // 福田区、南山区、坪山区政府: the closing word goes to each bare place.
    for i in 0..items.len() {
        let Some(close) = w
            .scope
            .closing
            .iter()
            .find(|c| items[i].ends_with(c.as_str()))
        else {
            continue;
        };
        let close = close.clone();
        let bare = |s: &str| {
            w.ending(s).is_some_and(|(e, word)| {
                e.kind == "government"
                    && e.level == "place"
                    && !w.scope.closing.iter().any(|c| c == word)
            })
        };
        let own = &items[i][..items[i].len() - close.len()];
        if !bare(own) {
            continue;
        }
        let mut j = i;
        while j > 0 && bare(&items[j - 1]) {
            j -= 1;
            items[j].push_str(&close);
        }
    }
    let named = items.iter().any(|i| w.ending(i).is_some());
    items
        .into_iter()
        .filter(|i| {
            named && i.chars().count() <= 30 && (w.ending(i).is_some() || i.chars().count() <= 12)
        })
        .collect()
}

/// The most units read from a scope: more is not a pilot's scope but a
/// hostile document (every later pass is over the units).
pub(crate) const MAX_UNITS: usize = 500;

/// The units of the scope, and whether it listed more than `MAX_UNITS`.
fn units(lines: &[(usize, &str)], w: &Words, place: Option<&Where>) -> (Vec<Unit>, bool) {
    let mut out: Vec<Unit> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let prefix = place.map_or("unit", |p| p.id.as_str());
    for (no, l) in scope_lines(lines, w) {
        for sentence in clauses(l) {
            for listed in list_items(sentence, w) {
                let (name, done) = match place {
                    Some(p) => p.complete(&listed),
                    None => (listed.clone(), false),
                };
                if out.len() >= MAX_UNITS {
                    return (out, true);
                }
                if !seen.insert(name.clone()) {
                    continue;
                }
                let (kind, level) = kind_level(&listed, w, place);
                let at = |ev: Ev| ev.at(full(lines, no), sentence);
                out.push(Unit {
                    id: format!("{prefix}-{:02}", out.len() + 1),
                    listed,
                    name_zh: (
                        name,
                        at(Ev {
                            line: no,
                            guessed: done,
                            col: 0,
                        }),
                    ),
                    kind: kind.map(|k| (k, at(Ev::guessed(no)))),
                    level: level.map(|k| (k, at(Ev::guessed(no)))),
                    focus: None,
                    cdo: UnitCdo::default(),
                });
            }
        }
    }
    (out, false)
}

fn schema_str(s: &str, of: &[&'static str]) -> Option<&'static str> {
    of.iter().find(|k| **k == s).copied()
}

/// A unit's kind and level from the end of its name.
fn kind_level(
    name: &str,
    w: &Words,
    place: Option<&Where>,
) -> (Option<&'static str>, Option<&'static str>) {
    use crate::plan::schema::{UNIT_KINDS, UNIT_LEVELS};
    let Some((e, word)) = w.ending(name) else {
        return (None, None);
    };
    let kind = schema_str(&e.kind, UNIT_KINDS);
    let Some(p) = place else {
        return (kind, schema_str(&e.level, UNIT_LEVELS));
    };
    let level = match e.level.as_str() {
        "own" => {
            let other_city = p.province.as_ref().and_then(|pr| {
                pr.cities.iter().find(|c| {
                    c.name_zh
                        .as_deref()
                        .is_some_and(|z| name.starts_with(z) && Some(z) != p.city_zh.as_deref())
                })
            });
            if let Some(c) = other_city {
                c.level
            } else if name.starts_with('省') {
                "province"
            } else if p.district_zh.is_none()
                && (name.starts_with(['区', '县']) || p.division_prefix(name))
            {
                p.below
            } else {
                p.level
            }
        }
        // Development zones are administered at county level: a district's
        // zone is at the district's level, not below it.
        "below" if e.kind == "zone" && p.below == "township" => p.level,
        "below" => p.below,
        "place" => {
            let bare = if w.scope.closing.iter().any(|c| c == word) {
                &name[..name.len() - word.len()]
            } else {
                name
            };
            if bare.is_empty() || p.is_self(bare) {
                p.level
            } else if bare.ends_with(['镇', '乡']) || bare.ends_with("街道") {
                "township"
            } else if bare.ends_with('省') {
                "province"
            } else if bare.ends_with(['区', '县']) || p.is_division(bare) || bare.ends_with('市')
            {
                p.below
            } else {
                p.level
            }
        }
        other => schema_str(other, UNIT_LEVELS).unwrap_or(p.level),
    };
    (kind, Some(level))
}

/// Who a sentence is about: the issuer's own government, the governments
/// of its divisions, its departments and other units; none named: all.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Target {
    own: bool,
    divisions: bool,
    departments: bool,
}

fn target(subject: &str, w: &Words) -> Target {
    let t = Target {
        own: has_any(subject, &w.cdo.own),
        divisions: has_any(subject, &w.cdo.divisions),
        departments: has_any(subject, &w.cdo.departments),
    };
    let all = Target {
        own: true,
        divisions: true,
        departments: true,
    };
    if has_any(subject, &w.cdo.everyone)
        || t == (Target {
            own: false,
            divisions: false,
            departments: false,
        })
    {
        all
    } else {
        t
    }
}

fn covers(t: Target, u: &Unit, own_level: Option<&str>) -> bool {
    let gov = u.kind.is_some_and(|k| k.0 == "government");
    let own = gov && u.level.map(|l| l.0) == own_level;
    if !gov {
        t.departments
    } else if own {
        t.own
    } else {
        t.divisions
    }
}

/// 首席数据官由…兼任; 由…任免; 报…备案: the values of `[unit.cdo]`.
fn cdo(lines: &[(usize, &str)], w: &Words, units: &mut [Unit], own_level: Option<&str>) {
    for (no, l) in lines {
        for c in clauses(l) {
            let ev = Ev::read(*no).at(l, c);
            if let Some((h, hl)) = w
                .cdo
                .holder
                .iter()
                .find_map(|h| c.find(h.as_str()).map(|i| (i, h.len())))
            {
                let after = &c[h + hl..];
                if let Some(end) = w
                    .cdo
                    .held
                    .iter()
                    .filter_map(|x| after.find(x.as_str()))
                    .min()
                {
                    let who = &after[..end];
                    let t = target(&c[..h], w);
                    let rank = rank(who, w);
                    let oversees = has_any(c, &w.cdo.oversees);
                    let concurrent = if has_any(&after[end..], &w.cdo.concurrent) {
                        Some(true)
                    } else if has_any(c, &w.cdo.dedicated) {
                        Some(false)
                    } else {
                        None
                    };
                    let hint: String = who
                        .chars()
                        .filter(|c| !matches!(c, '<' | '>'))
                        .take(40)
                        .collect();
                    for u in units.iter_mut().filter(|u| covers(t, u, own_level)) {
                        let cd = &mut u.cdo;
                        if cd.hint.is_some() {
                            continue;
                        }
                        cd.hint = Some(hint.clone()).filter(|h| !h.trim().is_empty());
                        cd.rank = rank.map(|r| (r, ev));
                        cd.oversees = oversees.then_some(ev);
                        cd.concurrent = concurrent.map(|b| (b, ev));
                    }
                }
            }
            let subject = |verb_at: usize| {
                let s = &c[..verb_at];
                s.rfind('由').map_or(s, |i| &s[..i])
            };
            for (verbs, map, appointed) in [
                (&w.appointment.verb, &w.appointment.by, true),
                (&w.filing.verb, &w.filing.by, false),
            ] {
                let Some(v) = verbs.iter().find_map(|v| c.find(v.as_str())) else {
                    continue;
                };
                let before = &c[..v];
                let Some(value) = map.iter().find(|m| has_any(before, &m.words)) else {
                    continue;
                };
                let t = target(subject(v), w);
                for u in units.iter_mut().filter(|u| covers(t, u, own_level)) {
                    let slot = if appointed {
                        &mut u.cdo.appointed_by
                    } else {
                        &mut u.cdo.filed_with
                    };
                    if slot.is_none() {
                        *slot = Some((value.value.clone(), ev));
                    }
                }
            }
        }
    }
}

fn rank(who: &str, w: &Words) -> Option<&'static str> {
    if has_any(who, &w.cdo.deputy)
        || w.cdo
            .deputy_pairs
            .iter()
            .any(|p| has_phrase(who, p).is_some())
    {
        return Some("deputy");
    }
    let chief = w.cdo.chief.iter().any(|c| {
        who.match_indices(c.as_str())
            .any(|(i, _)| !who[..i].ends_with('副'))
    });
    chief.then_some("chief")
}

/// The duties section: (first line, line after it).
fn duties_section(lines: &[(usize, &str)], w: &Words) -> Option<(usize, usize)> {
    for (i, (no, l)) in lines.iter().enumerate() {
        if !has_any(l, &w.duties.headings) {
            continue;
        }
        let rank = heading_level(l);
        // The heading (before its first 。 or ：) names the duties and is short.
        let title = unnumbered(l).split(['。', '：']).next().unwrap_or("");
        let short = title.chars().count() <= 16 && has_any(title, &w.duties.headings);
        if !(short && (rank.is_some() || l.chars().count() <= 16 || l.ends_with('：'))) {
            continue;
        }
        let mut end = lines.len().min(i + 61);
        for (j, (_, m)) in lines.iter().enumerate().skip(i + 1).take(60) {
            if let Some(r) = heading_level(m) {
                if rank.is_none_or(|k| r <= k) && (rank.is_some() || r <= 2) {
                    end = j;
                    break;
                }
            }
        }
        let end_no = lines.get(end).map_or(usize::MAX, |(n, _)| *n);
        return Some((*no, end_no));
    }
    None
}

/// The segments of a clause that give one unit its own focus.
fn focus_segments<'a>(c: &'a str, w: &Words, units: &[Unit]) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    for seg in c.split(['，', '：', '、']) {
        let Some(i) = seg.find(w.focus.word.as_str()) else {
            continue;
        };
        let before = seg[..i].trim();
        let hit = units.iter().position(|u| {
            let bare = w
                .scope
                .closing
                .iter()
                .find_map(|cl| u.listed.strip_suffix(cl.as_str()))
                .unwrap_or(&u.listed);
            !before.is_empty()
                && (before.ends_with(u.listed.as_str())
                    || before.ends_with(bare)
                    || before.ends_with(u.name_zh.0.as_str()))
        });
        if let Some(k) = hit {
            out.push((k, seg));
        }
    }
    out
}

fn focus(lines: &[(usize, &str)], w: &Words, units: &mut [Unit]) {
    for (no, l) in lines {
        for c in clauses(l) {
            for (k, seg) in focus_segments(c, w, units) {
                let i = seg.find(w.focus.word.as_str()).unwrap_or(0) + w.focus.word.len();
                let text = seg[i..].trim();
                if !text.is_empty() && units[k].focus.is_none() {
                    units[k].focus = Some((text.to_string(), Ev::read(*no).at(l, seg)));
                }
            }
        }
    }
}

fn duties(
    lines: &[(usize, &str)],
    section: Option<(usize, usize)>,
    w: &Words,
    units: &[Unit],
) -> Vec<(String, Ev)> {
    let Some((from, to)) = section else {
        return Vec::new();
    };
    let mut out: Vec<(String, Ev)> = Vec::new();
    for (no, l) in lines.iter().filter(|(n, _)| *n >= from && *n < to) {
        for c in clauses(l) {
            let ev = Ev::read(*no).at(l, c);
            let mut c = c.to_string();
            for (_, seg) in focus_segments(&c.clone(), w, units) {
                c = c.replace(seg, "");
            }
            let mut found: Vec<(usize, &str)> = w
                .duty
                .iter()
                .filter_map(|d| {
                    d.phrases
                        .iter()
                        .filter_map(|p| has_phrase(&c, p))
                        .min()
                        .map(|at| (at, d.id.as_str()))
                })
                .collect();
            found.sort();
            for (_, id) in found {
                if !out.iter().any(|(d, _)| d == id) {
                    out.push((id.to_string(), ev));
                }
            }
        }
    }
    out
}

/// The name of the leading group a line names (…领导小组), if it names one.
fn leading_group(l: &str, w: &Words) -> Option<String> {
    let word = w.governance.leading_group.as_str();
    for (i, _) in l.match_indices(word) {
        let before = &l[..i];
        let start = before
            .char_indices()
            .rev()
            .take(30)
            .take_while(|(_, c)| is_cjk(*c) && !"由报向经在按对的各将为于并请".contains(*c))
            .last()
            .map_or(i, |(j, _)| j);
        if start < i {
            return Some(format!("{}{word}", &l[start..i]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w() -> &'static Words {
        super::super::words::builtin().unwrap()
    }

    #[test]
    fn document_numbers_are_found_and_trimmed() {
        let s = normalise("为贯彻落实《广东省首席数据官制度试点工作方案》(粤办函[2021]63号)和深府〔2020〕89号精神");
        assert_eq!(numbers(&s, w()), ["粤办函〔2021〕63号", "深府〔2020〕89号"]);
        let s = normalise("根据粤府办(2021)7号和江府【2022】1号");
        assert_eq!(numbers(&s, w()), ["粤府办〔2021〕7号", "江府〔2022〕1号"]);
    }

    #[test]
    fn deadlines_are_last_days_of_months() {
        assert_eq!(deadlines("2021年12月底前完成"), ["2021-12-31"]);
        assert_eq!(deadlines("到2022年6月，形成经验"), ["2022-06-30"]);
        assert_eq!(deadlines("2024年2月前"), ["2024-02-29"]);
        assert_eq!(deadlines("2021年底前，完成任命"), ["2021-12-31"]);
        assert!(word_in("a pilot plan.", "plan") && word_in("plans", "plan"));
        assert!(!word_in("an explanation", "plan") && word_in("首席数据官", "首席数据官"));
        assert!(deadlines("2021年8月3日").is_empty());
        assert_eq!(date_line("2021年8月3日"), Some("2021-08-03".into()));
        assert_eq!(date_line("2021年2月30日"), None);
        assert_eq!(date_line("二〇二一年八月三日"), Some("2021-08-03".into()));
        assert_eq!(
            date_line("二〇二一年十二月三十一日"),
            Some("2021-12-31".into())
        );
        assert_eq!(date_line("二〇二一年十月十日"), Some("2021-10-10".into()));
    }

    #[test]
    fn lists_split_on_separators_and_closing_words() {
        let items = list_items(
            "在市政府、市公安局、市规划和自然资源局等8个市直单位和福田区、南山区、宝安区、坪山区政府开展试点",
            w(),
        );
        assert_eq!(
            items,
            [
                "市政府",
                "市公安局",
                "市规划和自然资源局",
                "福田区政府",
                "南山区政府",
                "宝安区政府",
                "坪山区政府"
            ]
        );
    }

    #[test]
    fn a_conjunction_after_a_comma_opens_the_item_not_the_name() {
        let items = list_items(
            "选取端州区、四会市人民政府，以及市公安局，和市卫生健康局，和平县人民政府开展试点",
            w(),
        );
        assert_eq!(
            items,
            [
                "端州区人民政府",
                "四会市人民政府",
                "市公安局",
                "市卫生健康局",
                "和平县人民政府"
            ]
        );
    }

    #[test]
    fn the_scope_is_its_heading_not_a_sentence_naming_pilot_units() {
        let text = [
            "一、工作目标",
            "（一）总体目标。到2022年，各试点单位建立首席数据官制度。",
            "二、试点范围",
            "在市政府、市公安局开展试点。",
            "三、职责",
        ];
        let lines: Vec<(usize, &str)> = text.iter().enumerate().map(|(i, l)| (i + 1, *l)).collect();
        assert_eq!(
            scope_lines(&lines, w()),
            [(4, "在市政府、市公安局开展试点。")]
        );
    }

    #[test]
    fn headings_have_ranks() {
        assert_eq!(heading_level("一、总体要求"), Some(1));
        assert_eq!(heading_level("（二）试点范围"), Some(2));
        assert_eq!(heading_level("3.加强人才队伍建设"), Some(3));
        assert_eq!(heading_level("（1）数据"), Some(4));
        assert_eq!(heading_level("首席数据官"), None);
    }
}
