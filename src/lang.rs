//! The language of messages: English or Simplified Chinese. Codes, keys and
//! values stay the same in both; only the words around them change.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// `zh-CN`, `zh`, `zh_CN.UTF-8` … are Chinese; `en…`, `C`, `POSIX` English.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") || s == "c" || s == "posix" || s.starts_with("c.") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// From `LC_ALL`, then `LC_MESSAGES`, then `LANG`; English when none says.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .find_map(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    /// The language's tag (BCP 47), as SARIF's `language` gives it.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en-US",
            Lang::Zh => "zh-CN",
        }
    }
}

/// A text in English with, optionally, its Chinese; Chinese falls back to English.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub en: String,
    pub zh: Option<String>,
}

impl Text {
    pub fn new(en: impl Into<String>, zh: Option<String>) -> Self {
        Text { en: en.into(), zh }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.zh) {
            (Lang::Zh, Some(zh)) => zh,
            _ => &self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_names_select_the_language() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("fr_FR"), None);
    }

    #[test]
    fn chinese_falls_back_to_english() {
        let t = Text::new("rank", None);
        assert_eq!(t.get(Lang::Zh), "rank");
        let t = Text::new("rank", Some("职级".into()));
        assert_eq!(t.get(Lang::Zh), "职级");
    }
}
