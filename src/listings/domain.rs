//! Listing rules: the two sides, cooperation modes, the lifecycle, language detection.

crate::text_enum! {
    /// A need (posted by an enterprise) or a capability (offered by a university, an
    /// institute, or an enterprise).
    pub enum Side {
        Need => "need",
        Capability => "capability",
    }
}

crate::text_enum! {
    /// How the parties would work together.
    pub enum Mode {
        JointRnd => "joint_rnd",
        CommissionedDevelopment => "commissioned_development",
        Licensing => "licensing",
        Consulting => "consulting",
        PilotTesting => "pilot_testing",
        TalentTraining => "talent_training",
        EquipmentSharing => "equipment_sharing",
    }
}

crate::text_enum! {
    /// Where a listing is in its life.
    pub enum ListingStatus {
        Draft => "draft",
        Published => "published",
        Closed => "closed",
        Fulfilled => "fulfilled",
        Expired => "expired",
    }
}

crate::text_enum! {
    /// The language a listing is written in.
    pub enum Language {
        Zh => "zh",
        En => "en",
    }
}

crate::text_enum! {
    /// Lifecycle actions.
    pub enum Action {
        Publish => "publish",
        Close => "close",
        Fulfil => "fulfil",
    }
}

impl Action {
    /// The status `action` leads to from `from` on `side`, or `None` if it does not apply.
    pub fn apply(self, side: Side, from: ListingStatus) -> Option<ListingStatus> {
        use ListingStatus::*;
        match (self, from) {
            (Action::Publish, Draft | Closed | Expired) => Some(Published),
            (Action::Close, Published) => Some(Closed),
            (Action::Fulfil, Published | Closed) if side == Side::Need => Some(Fulfilled),
            _ => None,
        }
    }
}

/// Chinese when ideographs outnumber English words (about five letters each), else English.
pub fn detect_language(text: &str) -> Language {
    let (mut cjk, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c) {
            cjk += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if cjk > 0 && cjk * 5 >= latin {
        Language::Zh
    } else {
        Language::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_is_detected_from_the_script() {
        assert_eq!(detect_language("赤泥中铁的回收"), Language::Zh);
        assert_eq!(
            detect_language("Iron recovery from bauxite residue"),
            Language::En
        );
        assert_eq!(detect_language("利用 XRD 分析赤泥物相"), Language::Zh);
        assert_eq!(
            detect_language("Die casting of 6061 alloy (压铸)"),
            Language::En
        );
    }

    #[test]
    fn the_lifecycle_allows_only_its_transitions() {
        use ListingStatus::*;
        assert_eq!(Action::Publish.apply(Side::Need, Draft), Some(Published));
        assert_eq!(Action::Publish.apply(Side::Need, Closed), Some(Published));
        assert_eq!(
            Action::Close.apply(Side::Capability, Published),
            Some(Closed)
        );
        assert_eq!(Action::Fulfil.apply(Side::Need, Published), Some(Fulfilled));
        assert_eq!(Action::Fulfil.apply(Side::Capability, Published), None);
        assert_eq!(Action::Close.apply(Side::Need, Draft), None);
        assert_eq!(Action::Publish.apply(Side::Need, Fulfilled), None);
    }
}
