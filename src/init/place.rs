//! Where a plan is written for: the jurisdiction named on the command line,
//! found among the places of the province data files (`rules/provinces/`)
//! and of the packs' `[init]` tables, with its province's naming patterns,
//! divisions and departments. Nothing here knows a place by name: it is all
//! read from those files.

use std::sync::Arc;

use super::InitError;
use crate::eval::matches_keywords;
use crate::lang::Text;
use crate::plan::schema;
use crate::rules::init_data::{self, Label, Place, Province, UnitData, Words};
use crate::rules::Rules;
use crate::source::SourceDb;

/// Every province data file shipped in the binary.
pub struct Places {
    provinces: Vec<Arc<Province>>,
}

/// A place with its province: what a plan is written for.
#[derive(Clone, Debug)]
pub struct Jurisdiction {
    pub place: Place,
    pub province: Option<Arc<Province>>,
    /// A division of a city (a district, a county, a county-level city)
    /// planned for on its own: the division as its data give it. Its
    /// government is named as a division's, and the city's departments are
    /// not its own.
    pub division: Option<UnitData>,
}

/// A unit a place has, named: its own government, a division's
/// government, a zone, a department, an institution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedUnit {
    pub id: String,
    pub name: String,
    pub name_zh: Option<String>,
    pub kind: &'static str,
    pub level: &'static str,
}

impl Places {
    /// The province data files shipped in the binary.
    pub fn builtin() -> Result<Places, InitError> {
        let mut db = SourceDb::default();
        match init_data::builtin_provinces(&mut db) {
            Ok(p) => Ok(Places {
                provinces: p.into_iter().map(Arc::new).collect(),
            }),
            Err(problems) => Err(InitError::Data(
                problems
                    .iter()
                    .map(|f| {
                        let src = db.get(f.at.source);
                        let (line, col) = src.line_col(f.at.span.start);
                        format!("{}:{line}:{col}", src.name)
                    })
                    .collect(),
            )),
        }
    }

    pub fn provinces(&self) -> &[Arc<Province>] {
        &self.provinces
    }

    /// The place a jurisdiction names (it contains one of the place's
    /// keywords): the packs' places first, those loaded last first (so a
    /// pack given with `--rules` wins), then the provinces' cities and
    /// departments in file order.
    pub fn find(&self, rules: &Rules, name: &str) -> Option<Jurisdiction> {
        self.all(rules)
            .into_iter()
            .find(|j| matches_keywords(name, &j.place.keywords))
    }

    /// The place a plan is written for: a division of a city when the name
    /// holds one (`Futian District, Shenzhen`, `深圳市福田区`, `福田区`,
    /// `台山市`), else what [`Places::find`] finds. A name that names a city
    /// looks only among that city's divisions; of several divisions named,
    /// the longest name wins (`惠城区` is Huizhou's, not Shanwei's `城区`).
    pub fn locate(&self, rules: &Rules, name: &str) -> Option<Jurisdiction> {
        let all = self.all(rules);
        let city = all
            .iter()
            .find(|j| matches_keywords(name, &j.place.keywords));
        let lower = name.trim().to_lowercase();
        let named = |d: &UnitData| -> usize {
            let en = d.name.to_lowercase();
            let by_en = if en.chars().count() >= 2 && lower.contains(&en) {
                en.chars().count()
            } else {
                0
            };
            let by_zh = d
                .name_zh
                .as_deref()
                .filter(|z| z.chars().count() >= 2 && lower.contains(*z))
                .map_or(0, |z| z.chars().count());
            by_en.max(by_zh)
        };
        let mut best: Option<(usize, &Jurisdiction, &UnitData)> = None;
        let pool = all
            .iter()
            .filter(|j| j.place.kind == "government" && j.division.is_none())
            .filter(|j| city.is_none_or(|c| c.place.id == j.place.id));
        for j in pool {
            for d in &j.place.divisions {
                let n = named(d);
                if n > 0 && best.is_none_or(|(m, _, _)| n > m) {
                    best = Some((n, j, d));
                }
            }
        }
        match best {
            Some((_, j, d)) => Some(j.division_place(d)),
            None => city.cloned(),
        }
    }

    /// Every place, in the order `find` tries them.
    pub fn all(&self, rules: &Rules) -> Vec<Jurisdiction> {
        let from_packs = rules.packs.iter().rev().flat_map(|p| &p.init.places);
        let mut all: Vec<Jurisdiction> = from_packs
            .map(|place| Jurisdiction {
                province: self.province_of(place),
                place: place.clone(),
                division: None,
            })
            .collect();
        for pr in &self.provinces {
            for place in pr.cities.iter().chain(&pr.departments) {
                all.push(Jurisdiction {
                    place: place.clone(),
                    province: Some(pr.clone()),
                    division: None,
                });
            }
        }
        all
    }

    /// The province file of a pack's place, when one has its province.
    fn province_of(&self, place: &Place) -> Option<Arc<Province>> {
        let name = place.province.as_deref()?;
        self.provinces
            .iter()
            .find(|p| {
                p.name.eq_ignore_ascii_case(name.trim()) || matches_keywords(name, &p.keywords)
            })
            .cloned()
    }
}

/// The level one below (townships have none below them).
pub fn below(level: &str) -> &'static str {
    let levels = schema::UNIT_LEVELS;
    let i = levels.iter().position(|l| *l == level).unwrap_or(0);
    levels[(i + 1).min(levels.len() - 1)]
}

impl Jurisdiction {
    /// One of its divisions as a place of its own, named as `cdocheck
    /// import` names it: `Futian District, Shenzhen` and `深圳市福田区`; a
    /// county-level city is a city of its own, `台山市`.
    fn division_place(&self, d: &UnitData) -> Jurisdiction {
        let city = &self.place;
        let name_zh = match (&city.name_zh, &d.name_zh) {
            (_, Some(z)) if z.ends_with('市') => Some(z.clone()),
            (Some(c), Some(z)) => Some(format!("{c}{z}")),
            (None, z) => z.clone(),
            (Some(_), None) => None,
        };
        let place = Place {
            id: format!("{}-{}", city.id, d.id),
            name: format!("{}, {}", d.name, city.name),
            name_zh,
            keywords: Vec::new(),
            level: d.level.unwrap_or(self.division_level(city.level)),
            kind: "government",
            province: city.province.clone(),
            province_zh: city.province_zh.clone(),
            division_level: None,
            division_label: None,
            department_label: None,
            divisions: Vec::new(),
            zones: Vec::new(),
            departments: Vec::new(),
            city_department: None,
            note: None,
        };
        Jurisdiction {
            place,
            province: self.province.clone(),
            division: Some(d.clone()),
        }
    }

    /// The province, in English and Chinese.
    pub fn province_names(&self) -> Option<(String, Option<String>)> {
        match (&self.place.province, &self.province) {
            (Some(en), pr) => Some((
                en.clone(),
                self.place
                    .province_zh
                    .clone()
                    .or_else(|| pr.as_ref().and_then(|p| p.name_zh.clone())),
            )),
            (None, Some(p)) => Some((p.name.clone(), p.name_zh.clone())),
            (None, None) => None,
        }
    }

    /// The level of the units one below a plan at `level`.
    pub fn division_level(&self, level: &'static str) -> &'static str {
        match self.place.division_level {
            Some(d) if level == self.place.level => d,
            _ => below(level),
        }
    }

    pub fn division_label(&self) -> Option<&Label> {
        self.place.division_label.as_ref()
    }

    pub fn department_label(&self) -> Option<&Label> {
        self.place.department_label.as_ref()
    }

    pub fn note(&self) -> Option<&Text> {
        self.place.note.as_ref()
    }

    fn names(&self) -> Option<&init_data::Names> {
        self.province.as_deref().map(|p| &p.names)
    }

    /// A name from a pattern, the place's names and a unit's.
    fn name(
        words: Option<&Words>,
        place: (&str, Option<&str>),
        unit: (&str, Option<&str>),
    ) -> Option<(String, Option<String>)> {
        let vars = [
            ("place", Some(place.0)),
            ("place_zh", place.1),
            ("unit", Some(unit.0)),
            ("unit_zh", unit.1),
        ];
        words.map(|w| w.fill(&vars))
    }

    fn own(&self) -> (&str, Option<&str>) {
        (&self.place.name, self.place.name_zh.as_deref())
    }

    /// The issuer itself as a unit: a department, or the people's
    /// government of the place (when the province says how it is named).
    pub fn own_unit(&self) -> Option<NamedUnit> {
        let p = &self.place;
        if p.kind != "government" {
            return Some(NamedUnit {
                id: p.id.clone(),
                name: p.name.clone(),
                name_zh: p.name_zh.clone(),
                kind: p.kind,
                level: p.level,
            });
        }
        let (name, name_zh) = match &self.division {
            Some(d) => match &d.government {
                Some(t) => (t.en.clone(), t.zh.clone()),
                None => Self::name(
                    self.names().and_then(|n| n.division_government.as_ref()),
                    self.own(),
                    (&d.name, d.name_zh.as_deref()),
                )?,
            },
            None => Self::name(
                self.names().and_then(|n| n.government.as_ref()),
                self.own(),
                self.own(),
            )?,
        };
        Some(NamedUnit {
            id: format!("{}-gov", p.id),
            name,
            name_zh,
            kind: "government",
            level: p.level,
        })
    }

    /// The governments of its divisions.
    pub fn divisions(&self) -> Vec<NamedUnit> {
        let pattern = self.names().and_then(|n| n.division_government.as_ref());
        self.place
            .divisions
            .iter()
            .filter_map(|u| {
                let (name, name_zh) = match &u.government {
                    Some(t) => (t.en.clone(), t.zh.clone()),
                    None => Self::name(pattern, self.own(), (&u.name, u.name_zh.as_deref()))?,
                };
                Some(NamedUnit {
                    id: u.id.clone(),
                    name,
                    name_zh,
                    kind: u.kind,
                    level: u.level.unwrap_or(self.division_level(self.place.level)),
                })
            })
            .collect()
    }

    /// Its divisions as the province file names them (`Futian District`).
    pub fn division_names(&self) -> Vec<(String, Option<String>)> {
        self.place
            .divisions
            .iter()
            .map(|u| (u.name.clone(), u.name_zh.clone()))
            .collect()
    }

    pub fn zones(&self) -> Vec<NamedUnit> {
        self.place
            .zones
            .iter()
            .map(|u| NamedUnit {
                id: u.id.clone(),
                name: u.name.clone(),
                name_zh: u.name_zh.clone(),
                kind: u.kind,
                level: u.level.unwrap_or(self.division_level(self.place.level)),
            })
            .collect()
    }

    /// The departments of a city (the province's, with the city's own
    /// names for some), named with the city; none for a department.
    pub fn departments(&self) -> Vec<NamedUnit> {
        if self.place.kind != "government" || self.division.is_some() {
            return Vec::new();
        }
        Self::city_units(&self.place, self.province.as_deref())
    }

    fn city_units(city: &Place, province: Option<&Province>) -> Vec<NamedUnit> {
        let Some(pr) = province else {
            return Vec::new();
        };
        let pattern = pr.names.department.as_ref();
        let generic = pr
            .city_departments
            .iter()
            .map(|d| city.departments.iter().find(|o| o.id == d.id).unwrap_or(d));
        let own = city
            .departments
            .iter()
            .filter(|o| !pr.city_departments.iter().any(|d| d.id == o.id));
        generic
            .chain(own)
            .filter_map(|d| {
                let place = (city.name.as_str(), city.name_zh.as_deref());
                let (name, name_zh) = Self::name(pattern, place, (&d.name, d.name_zh.as_deref()))?;
                Some(NamedUnit {
                    id: format!("{}-{}", city.id, d.id),
                    name,
                    name_zh,
                    kind: d.kind,
                    level: d.level.unwrap_or(city.level),
                })
            })
            .collect()
    }

    /// Institutions the issuer may have, named after it.
    pub fn institutions(&self) -> Vec<NamedUnit> {
        let Some(pr) = self.province.as_deref() else {
            return Vec::new();
        };
        pr.institutions
            .iter()
            .filter_map(|u: &UnitData| {
                let (name, name_zh) = Self::name(
                    pr.names.institution.as_ref(),
                    self.own(),
                    (&u.name, u.name_zh.as_deref()),
                )?;
                Some(NamedUnit {
                    id: format!("{}-{}", self.place.id, u.id),
                    name,
                    name_zh,
                    kind: u.kind,
                    level: self.place.level,
                })
            })
            .collect()
    }

    /// A provincial department's line in each city of its province: the
    /// city department its `city_department` names.
    pub fn city_lines(&self) -> Vec<NamedUnit> {
        let (Some(line), Some(pr)) = (&self.place.city_department, self.province.as_deref()) else {
            return Vec::new();
        };
        pr.cities
            .iter()
            .filter_map(|c| {
                Self::city_units(c, Some(pr))
                    .into_iter()
                    .find(|u| u.id == format!("{}-{line}", c.id))
            })
            .collect()
    }
}
