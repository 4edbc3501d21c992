//! The law the calendar applies, as dated data: the versions of the holiday list of Labour Code
//! art. 73, the martial-law dates, and the range of dates the calendar supports.
//!
//! Each date is judged by the law in force on that date. Anything we could not check against the
//! law's own text (zakon.rada.gov.ua was out of reach when this was written) says so in `uncertain`;
//! where an uncertain date could move, the note names the window within which moving it changes no
//! day's verdict. See docs/calendar.md.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::HolidayKind;
use crate::DomainError;

const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("a valid calendar date"),
    }
}

/// The first date the calendar supports: the day the earliest holiday version it knows applies from.
pub const SUPPORTED_FROM: NaiveDate = HOLIDAY_VERSIONS[0].in_force_from;
/// The last date the calendar supports.
pub const SUPPORTED_UNTIL: NaiveDate = ymd(2100, 12, 31);

/// Martial law was introduced on 24 February 2022 (Presidential Decree No. 64/2022, approved by
/// Law 2102-IX) and has been extended ever since.
pub const MARTIAL_LAW_DECLARED_ON: NaiveDate = ymd(2022, 2, 24);

/// The first day on which Law 2136-IX of 15.03.2022 art. 6 applied: during martial law art. 73
/// (holidays as days off) and art. 67 part 3 (transfer of a day off) do not apply.
///
/// Uncertain: we understand the law entered into force on the day of its publication, 24 March
/// 2022. Any date from 9 March to 24 April 2022 gives every day the same verdict (8 March 2022 was a
/// Tuesday holiday, the next holiday was Easter, Sunday 24 April).
pub const MARTIAL_LAW_HOLIDAY_RULE_FROM: NaiveDate = ymd(2022, 3, 24);

/// How a holiday's date is found in a given year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayDate {
    /// The same month and day every year.
    Fixed { month: u32, day: u32 },
    /// Orthodox Easter Sunday.
    Easter,
    /// Trinity, 49 days after Orthodox Easter.
    Trinity,
}

const fn fixed(kind: HolidayKind, month: u32, day: u32) -> (HolidayKind, HolidayDate) {
    (kind, HolidayDate::Fixed { month, day })
}

const EASTER: (HolidayKind, HolidayDate) = (HolidayKind::Easter, HolidayDate::Easter);
const TRINITY: (HolidayKind, HolidayDate) = (HolidayKind::Trinity, HolidayDate::Trinity);

/// Which version of the art. 73 holiday list; an index into [`HOLIDAY_VERSIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayVersionId {
    Art73As2015,
    Art73As2017,
    Art73As2022,
    Art73As2023,
}

impl HolidayVersionId {
    pub fn version(self) -> &'static HolidayVersion {
        &HOLIDAY_VERSIONS[self as usize]
    }
}

/// One version of the holiday list of Labour Code art. 73, in force from `in_force_from` until the
/// next version's date.
#[derive(Debug, PartialEq, Eq)]
pub struct HolidayVersion {
    pub id: HolidayVersionId,
    /// Stable code, e.g. `art73_2017`.
    pub code: &'static str,
    pub in_force_from: NaiveDate,
    /// A few words naming the version, for explanations.
    pub title: &'static str,
    /// The law that set this list.
    pub law: &'static str,
    /// What we could not verify against the law's text; empty when nothing.
    pub uncertain: &'static str,
    pub holidays: &'static [(HolidayKind, HolidayDate)],
}

/// Every version the calendar knows, oldest first. Dates before the first are refused.
pub const HOLIDAY_VERSIONS: [HolidayVersion; 4] = [
    HolidayVersion {
        id: HolidayVersionId::Art73As2015,
        code: "art73_2015",
        title: "Labour Code art. 73 as in force in 2015",
        in_force_from: ymd(2015, 1, 1),
        law: "Labour Code art. 73 as in force in 2015: 1 and 7 January, 8 March, Easter, Trinity, 1 and 2 May, \
              9 May, 28 June, 24 August and 14 October",
        uncertain: "The list is supported from 1 January 2015; 14 October (Defender of Ukraine Day) was added \
                    by a law of 2014–2015 whose number and date we did not verify; it was a day off from \
                    14 October 2015.",
        holidays: &[
            fixed(HolidayKind::NewYear, 1, 1),
            fixed(HolidayKind::OrthodoxChristmas, 1, 7),
            fixed(HolidayKind::WomensDay, 3, 8),
            EASTER,
            TRINITY,
            fixed(HolidayKind::LabourDay, 5, 1),
            fixed(HolidayKind::LabourDaySecond, 5, 2),
            fixed(HolidayKind::VictoryDay, 5, 9),
            fixed(HolidayKind::ConstitutionDay, 6, 28),
            fixed(HolidayKind::IndependenceDay, 8, 24),
            fixed(HolidayKind::DefendersDay, 10, 14),
        ],
    },
    HolidayVersion {
        id: HolidayVersionId::Art73As2017,
        code: "art73_2017",
        title: "Labour Code art. 73 as amended by Law 2211-VIII of 16.11.2017",
        in_force_from: ymd(2017, 12, 1),
        law: "Law 2211-VIII of 16.11.2017: adds 25 December (Christmas) and drops 2 May",
        uncertain: "The day it entered into force is not verified; we use 1 December 2017. 25 December 2017 was \
                    the first day off for 25 December, so any date from 3 May to 25 December 2017 gives every \
                    day the same verdict.",
        holidays: &[
            fixed(HolidayKind::NewYear, 1, 1),
            fixed(HolidayKind::OrthodoxChristmas, 1, 7),
            fixed(HolidayKind::WomensDay, 3, 8),
            EASTER,
            TRINITY,
            fixed(HolidayKind::LabourDay, 5, 1),
            fixed(HolidayKind::VictoryDay, 5, 9),
            fixed(HolidayKind::ConstitutionDay, 6, 28),
            fixed(HolidayKind::IndependenceDay, 8, 24),
            fixed(HolidayKind::DefendersDay, 10, 14),
            fixed(HolidayKind::Christmas, 12, 25),
        ],
    },
    HolidayVersion {
        id: HolidayVersionId::Art73As2022,
        code: "art73_2022",
        title: "Labour Code art. 73 with Statehood Day on 28 July (2021 amendment)",
        in_force_from: ymd(2022, 1, 1),
        law: "The 2021 amendment of art. 73 that adds 28 July (Ukrainian Statehood Day)",
        uncertain: "The amending law's number and the day it entered into force are not verified; we use \
                    1 January 2022 (Statehood Day was established in August 2021 and was first a holiday on \
                    28 July 2022). Any date from 29 July 2021 to 28 July 2022 gives every day the same verdict.",
        holidays: &[
            fixed(HolidayKind::NewYear, 1, 1),
            fixed(HolidayKind::OrthodoxChristmas, 1, 7),
            fixed(HolidayKind::WomensDay, 3, 8),
            EASTER,
            TRINITY,
            fixed(HolidayKind::LabourDay, 5, 1),
            fixed(HolidayKind::VictoryDay, 5, 9),
            fixed(HolidayKind::ConstitutionDay, 6, 28),
            fixed(HolidayKind::StatehoodDay, 7, 28),
            fixed(HolidayKind::IndependenceDay, 8, 24),
            fixed(HolidayKind::DefendersDay, 10, 14),
            fixed(HolidayKind::Christmas, 12, 25),
        ],
    },
    HolidayVersion {
        id: HolidayVersionId::Art73As2023,
        code: "art73_2023",
        title: "Labour Code art. 73 as amended by the Law of 14.07.2023",
        in_force_from: ymd(2023, 7, 29),
        law: "The Law of 14.07.2023 (signed 28.07.2023): drops 7 January, moves Statehood Day to 15 July and \
              Defenders Day to 1 October; with 9 May replaced by 8 May (Remembrance and Victory Day)",
        uncertain: "The law's number is not verified (secondary sources give 3248-IX, 3258-IX or 3225-IX), nor \
                    the day it entered into force: we use 29 July 2023, the day after it was signed; it cannot \
                    have applied on 15 or 16 July 2023. The move of 9 May to 8 May may have come earlier by a \
                    separate law (3107-IX of 29.05.2023 per a secondary source). All of this fell under martial \
                    law, when holidays are working days, so no day's verdict depends on it; only the holiday \
                    named in an explanation does.",
        holidays: &[
            fixed(HolidayKind::NewYear, 1, 1),
            fixed(HolidayKind::WomensDay, 3, 8),
            EASTER,
            TRINITY,
            fixed(HolidayKind::LabourDay, 5, 1),
            fixed(HolidayKind::RemembranceAndVictoryDay, 5, 8),
            fixed(HolidayKind::ConstitutionDay, 6, 28),
            fixed(HolidayKind::StatehoodDay, 7, 15),
            fixed(HolidayKind::IndependenceDay, 8, 24),
            fixed(HolidayKind::DefendersDay, 10, 1),
            fixed(HolidayKind::Christmas, 12, 25),
        ],
    },
];

/// The holiday version in force on `date` (the earliest one for dates before it).
pub fn holiday_version_on(date: NaiveDate) -> &'static HolidayVersion {
    HOLIDAY_VERSIONS.iter().rev().find(|v| v.in_force_from <= date).unwrap_or(&HOLIDAY_VERSIONS[0])
}

/// Which martial-law rule applies on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// No martial law: holidays are days off and a holiday on a weekend moves the day off (art. 67).
    Peacetime,
    /// Martial law in force but Law 2136-IX not yet: holidays and transfers still apply.
    /// (serde's snake_case would write `…_law2136`; the documented code is `…_law_2136`, read either way.)
    #[serde(rename = "martial_law_before_law_2136", alias = "martial_law_before_law2136")]
    MartialLawBeforeLaw2136,
    /// Martial law with Law 2136-IX art. 6: holidays are working days, nothing is transferred.
    MartialLaw,
}

codes!(Period {
    Peacetime => "peacetime", MartialLawBeforeLaw2136 => "martial_law_before_law_2136", MartialLaw => "martial_law",
});

impl Period {
    /// Whether art. 73 holidays are days off and art. 67 transfers apply.
    pub fn holidays_are_days_off(self) -> bool {
        self != Self::MartialLaw
    }

    /// A few words naming the rule, for explanations.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Peacetime => "in peacetime (holidays are days off, Labour Code arts. 67 and 73)",
            Self::MartialLawBeforeLaw2136 => {
                "under martial law before Law 2136-IX applied (holidays were still days off, arts. 67 and 73)"
            }
            Self::MartialLaw => "under martial law (holidays are working days, Law 2136-IX art. 6)",
        }
    }
}

/// Martial law as a dated period: declared on [`MARTIAL_LAW_DECLARED_ON`], its holiday rule from
/// [`MARTIAL_LAW_HOLIDAY_RULE_FROM`], and `ended_on` once known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MartialLaw {
    /// The first day without martial law (peacetime rules apply from this day); `None` while it lasts.
    pub ended_on: Option<NaiveDate>,
}

impl MartialLaw {
    pub fn in_force() -> MartialLaw {
        MartialLaw { ended_on: None }
    }

    pub fn ended_on(date: NaiveDate) -> MartialLaw {
        MartialLaw { ended_on: Some(date) }
    }

    /// The rule on `date`.
    pub fn period_on(&self, date: NaiveDate) -> Period {
        let ended = self.ended_on.is_some_and(|end| date >= end);
        if date < MARTIAL_LAW_DECLARED_ON || ended {
            Period::Peacetime
        } else if date < MARTIAL_LAW_HOLIDAY_RULE_FROM {
            Period::MartialLawBeforeLaw2136
        } else {
            Period::MartialLaw
        }
    }

    /// The days on which the rule may change, in order: the boundaries of the periods.
    pub fn boundaries(&self) -> Vec<NaiveDate> {
        let mut out = vec![MARTIAL_LAW_DECLARED_ON, MARTIAL_LAW_HOLIDAY_RULE_FROM];
        out.extend(self.ended_on);
        out.sort();
        out
    }

    /// Checks an end date: after martial law began, within the supported dates. A refusal names the
    /// field `ended_on`.
    pub fn check_end(date: NaiveDate) -> Result<(), DomainError> {
        if date <= MARTIAL_LAW_DECLARED_ON || date > SUPPORTED_UNTIL {
            return Err(DomainError::invalid(
                "ended_on",
                format!(
                    "the end of martial law must be a date after {MARTIAL_LAW_DECLARED_ON} (when it was declared) and \
                 no later than {SUPPORTED_UNTIL}"
                ),
            ));
        }
        Ok(())
    }
}

/// A date outside [`SUPPORTED_FROM`]..=[`SUPPORTED_UNTIL`], named by the input field it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedDate {
    pub field: String,
    pub date: NaiveDate,
}

impl std::fmt::Display for UnsupportedDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is {}; {}", self.field, self.date, supported_range_text())
    }
}

/// The sentence every refusal of an out-of-range date ends with (and the OpenAPI descriptions state).
pub fn supported_range_text() -> String {
    format!(
        "dates must be from {SUPPORTED_FROM} (the earliest holiday list the working-day calendar knows) \
         to {SUPPORTED_UNTIL}"
    )
}

/// `date` if the calendar supports it; `field` names the input in the error.
pub fn supported(field: &str, date: NaiveDate) -> Result<NaiveDate, UnsupportedDate> {
    if (SUPPORTED_FROM..=SUPPORTED_UNTIL).contains(&date) {
        Ok(date)
    } else {
        Err(UnsupportedDate { field: field.to_owned(), date })
    }
}

/// The years the calendar supports whole.
pub fn supported_years() -> std::ops::RangeInclusive<i32> {
    use chrono::Datelike;
    SUPPORTED_FROM.year()..=SUPPORTED_UNTIL.year()
}
