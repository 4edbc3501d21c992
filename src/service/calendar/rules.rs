//! The rules of the deadline calculator: each code, the parameter it takes and the domain rule it builds.
//! The API's `GET /deadlines/rules`, its `rule` parameter's enum and the `/calculator` page all read this table.
use crate::{domain::deadlines::DeadlineRule, error::AppError};

/// A rule code, the parameter it takes, and how to build the domain rule from that parameter.
#[derive(Debug)]
pub struct RuleSpec {
    pub code: &'static str,
    pub parameter: Option<&'static str>,
    pub term: Option<&'static str>,
    pub description: &'static str,
    pub build: fn(u32) -> DeadlineRule,
}

pub const RULES: [RuleSpec; 9] = [
    RuleSpec {
        code: "appeal_no_study",
        parameter: None,
        term: None,
        description: "An appeal that needs no additional study: without delay, at most 15 days from receipt.",
        build: |_| DeadlineRule::AppealNoStudy,
    },
    RuleSpec {
        code: "appeal_standard",
        parameter: None,
        term: None,
        description: "An ordinary appeal: answered within one month of receipt.",
        build: |_| DeadlineRule::AppealStandard,
    },
    RuleSpec {
        code: "appeal_extension",
        parameter: Some("total_days"),
        term: Some("total_days days from receipt, at most 45"),
        description: "An appeal whose term the head of the body extended: `total_days` days in total from \
                      receipt, capped at 45.",
        build: |total_days| DeadlineRule::AppealExtension { total_days },
    },
    RuleSpec {
        code: "forwarding",
        parameter: None,
        term: None,
        description: "An appeal outside the body's competence: forwarded to the competent body within 5 days.",
        build: |_| DeadlineRule::Forwarding,
    },
    RuleSpec {
        code: "return_non_conforming",
        parameter: None,
        term: None,
        description: "An appeal without the content the law requires: returned with explanations within 10 days.",
        build: |_| DeadlineRule::ReturnNonConforming,
    },
    RuleSpec {
        code: "petition_publication",
        parameter: None,
        term: None,
        description: "An electronic petition: published within 2 working days of submission.",
        build: |_| DeadlineRule::PetitionPublication,
    },
    RuleSpec {
        code: "petition_consideration",
        parameter: None,
        term: None,
        description: "A petition: answered within 10 working days of the announcement that consideration started.",
        build: |_| DeadlineRule::PetitionConsideration,
    },
    RuleSpec {
        code: "urgency_hours",
        parameter: Some("hours"),
        term: Some("hours elapsed clock hours, never longer than the 1-month term"),
        description: "A council's emergency category: `hours` elapsed clock hours from the instant of receipt, \
                      never longer than the standard 1-month term.",
        build: DeadlineRule::UrgencyHours,
    },
    RuleSpec {
        code: "urgency_days",
        parameter: Some("days"),
        term: Some("days calendar days, at most 30 and never longer than the 1-month term"),
        description: "A council's urgent category: `days` calendar days (at most 30) with the usual rollover, \
                      never longer than the standard 1-month term.",
        build: DeadlineRule::UrgencyDays,
    },
];

pub fn rule_codes() -> String {
    RULES.iter().map(|r| r.code).collect::<Vec<_>>().join(", ")
}

/// The rule named by `code`, with its parameter from `hours`, `days` or `total_days`.
pub(super) fn parse(
    code: Option<&str>,
    hours: Option<u32>,
    days: Option<u32>,
    total_days: Option<u32>,
) -> Result<(&'static RuleSpec, DeadlineRule), AppError> {
    let code = code.map(str::trim).filter(|c| !c.is_empty()).ok_or_else(|| {
        AppError::validation("rule", format!("the query parameter `rule` is required; use one of: {}", rule_codes()))
    })?;
    let spec = RULES.iter().find(|r| r.code == code).ok_or_else(|| {
        AppError::validation("rule", format!("there is no rule `{code}`; use one of: {}", rule_codes()))
    })?;
    let given = [("hours", hours), ("days", days), ("total_days", total_days)];
    for (name, value) in given {
        if value.is_some() && spec.parameter != Some(name) {
            let users: Vec<&str> = RULES.iter().filter(|r| r.parameter == Some(name)).map(|r| r.code).collect();
            return Err(AppError::validation(
                name,
                format!("`{name}` applies only to the rule {}, not to `{code}`; leave it out", users.join(", ")),
            ));
        }
    }
    let value = match spec.parameter {
        None => 0,
        Some(name) => {
            let value = given.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v);
            match value {
                None => {
                    return Err(AppError::validation(
                        name,
                        format!("the rule `{code}` needs the query parameter `{name}`, a whole number of at least 1"),
                    ));
                }
                Some(0) => return Err(AppError::validation(name, format!("`{name}` must be at least 1"))),
                Some(n) => n,
            }
        }
    };
    Ok((spec, (spec.build)(value)))
}

impl RuleSpec {
    /// The domain rule with `value` as its parameter (ignored by rules that take none).
    pub fn rule(&self, value: u32) -> DeadlineRule {
        (self.build)(value)
    }

    /// The rule of `code`, if there is one.
    pub fn find(code: &str) -> Option<&'static RuleSpec> {
        RULES.iter().find(|r| r.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_code_is_the_serde_name_of_its_rule() {
        for spec in &RULES {
            let json = serde_json::to_value((spec.build)(3)).unwrap();
            let name = json.as_str().map(str::to_owned).or_else(|| json.as_object()?.keys().next().cloned());
            assert_eq!(name.as_deref(), Some(spec.code));
        }
    }
}
