//! Public holidays (Labour Code art. 73): Orthodox Easter, the kinds of holiday and their dates in a year.
use super::*;

/// Orthodox Easter Sunday for `year`, as a Gregorian date.
///
/// The Ukrainian holiday follows the Julian computus (Meeus' algorithm); the
/// Julian date is shifted by the calendar difference of the century, which is
/// 13 days for 1900–2099 and grows by one in every century year not divisible
/// by 400 (so 14 days for 2100–2199).
///
/// # Panics
/// Only for years outside chrono's representable range (beyond ±262 000).
pub fn orthodox_easter(year: i32) -> NaiveDate {
    try_orthodox_easter(year).expect("year within chrono's representable range")
}

fn try_orthodox_easter(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(4);
    let b = year.rem_euclid(7);
    let c = year.rem_euclid(19);
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34).rem_euclid(7);
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    // March/April have the same lengths in both calendars, so the Julian
    // month/day can be built as a Gregorian date and then shifted.
    let julian = NaiveDate::from_ymd_opt(year, month as u32, day as u32)?;
    let shift = year.div_euclid(100) - year.div_euclid(400) - 2;
    julian.checked_add_days(Days::new(u64::try_from(shift).ok()?))
}

/// A public holiday of Labour Code art. 73, in any version the calendar knows (see [`law`]).
///
/// Serialized as its stable snake_case code, e.g. `"independence_day"`. Names are today's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    NewYear,
    /// 7 January, until the 2023 amendment.
    OrthodoxChristmas,
    WomensDay,
    Easter,
    Trinity,
    LabourDay,
    /// 2 May, until Law 2211-VIII (2017).
    LabourDaySecond,
    /// 9 May, until 2023.
    VictoryDay,
    /// 8 May, since 2023.
    RemembranceAndVictoryDay,
    ConstitutionDay,
    StatehoodDay,
    IndependenceDay,
    DefendersDay,
    /// 25 December, since Law 2211-VIII (2017).
    Christmas,
}

// Stable machine codes (the same strings serde uses).
codes!(HolidayKind {
    NewYear => "new_year", OrthodoxChristmas => "orthodox_christmas", WomensDay => "womens_day",
    Easter => "easter", Trinity => "trinity", LabourDay => "labour_day", LabourDaySecond => "labour_day_second",
    VictoryDay => "victory_day", RemembranceAndVictoryDay => "remembrance_and_victory_day",
    ConstitutionDay => "constitution_day", StatehoodDay => "statehood_day", IndependenceDay => "independence_day",
    DefendersDay => "defenders_day", Christmas => "christmas",
});

impl HolidayKind {
    /// Name as written in Labour Code art. 73.
    pub fn name_uk(self) -> &'static str {
        match self {
            Self::NewYear => "Новий рік",
            Self::OrthodoxChristmas => "Різдво Христове (7 січня)",
            Self::WomensDay => "Міжнародний жіночий день",
            Self::Easter => "Пасха (Великдень)",
            Self::Trinity => "Трійця",
            Self::LabourDay => "День праці",
            Self::LabourDaySecond => "День міжнародної солідарності трудящих (2 травня)",
            Self::VictoryDay => "День перемоги над нацизмом у Другій світовій війні (День перемоги)",
            Self::RemembranceAndVictoryDay => {
                "День пам'яті та перемоги над нацизмом у Другій світовій війні 1939–1945 років"
            }
            Self::ConstitutionDay => "День Конституції України",
            Self::StatehoodDay => "День Української Державності",
            Self::IndependenceDay => "День Незалежності України",
            Self::DefendersDay => "День захисників і захисниць України",
            Self::Christmas => "Різдво Христове",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::NewYear => "New Year",
            Self::OrthodoxChristmas => "Christmas, 7 January",
            Self::WomensDay => "International Women's Day",
            Self::Easter => "Easter",
            Self::Trinity => "Trinity",
            Self::LabourDay => "Labour Day",
            Self::LabourDaySecond => "Labour Day, second day",
            Self::VictoryDay => "Victory Day",
            Self::RemembranceAndVictoryDay => "Day of Remembrance and Victory over Nazism",
            Self::ConstitutionDay => "Constitution Day",
            Self::StatehoodDay => "Ukrainian Statehood Day",
            Self::IndependenceDay => "Independence Day",
            Self::DefendersDay => "Defenders Day",
            Self::Christmas => "Christmas",
        }
    }
}

impl HolidayDate {
    /// The date in `year`, if representable.
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        match self {
            Self::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            Self::Easter => try_orthodox_easter(year),
            // Trinity (Pentecost) is the seventh Sunday after Easter.
            Self::Trinity => try_orthodox_easter(year)?.checked_add_days(Days::new(49)),
        }
    }
}

/// One occurrence of a public holiday, with the version of art. 73 that made it one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    pub version: HolidayVersionId,
}

/// The public holidays of `year` (Labour Code art. 73), sorted by date: each date is judged by the
/// version of the list in force on it, so 2023 has 7 January and 1 October but not 14 October.
pub fn public_holidays(year: i32) -> Vec<Holiday> {
    let mut out: Vec<Holiday> = law::HOLIDAY_VERSIONS
        .iter()
        .flat_map(|v| v.holidays.iter().map(move |&(kind, rule)| (v, kind, rule)))
        .filter_map(|(v, kind, rule)| {
            let date = rule.in_year(year)?;
            (holiday_version_on(date).id == v.id).then_some(Holiday { date, kind, version: v.id })
        })
        .collect();
    out.sort_by_key(|h| (h.date, h.kind));
    out
}

/// The holiday on `date` under the version in force that day (the first one when two coincide).
pub fn holiday_on(date: NaiveDate) -> Option<Holiday> {
    let version = holiday_version_on(date);
    version.holidays.iter().find(|(_, rule)| rule.in_year(date.year()) == Some(date)).map(|&(kind, _)| Holiday {
        date,
        kind,
        version: version.id,
    })
}

pub(super) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}
