//! Who an appeal's mails go to, rendered once per kind and address.
use super::*;
use crate::mail::links;

/// A person or mailbox to write to.
#[derive(Debug, Clone)]
pub(super) struct Recipient {
    name: String,
    email: String,
    language: Language,
}

/// Staff of `organisation_id` (all, or only heads), plus the organisation's own mailbox for the staff list.
pub(super) async fn staff(
    conn: &impl ConnectionTrait,
    organisation_id: i32,
    heads_only: bool,
) -> Result<Vec<Recipient>, AppError> {
    let mut members = sea_orm::sea_query::Query::select()
        .column(organisation_members::Column::AccountId)
        .from(organisation_members::Entity)
        .and_where(organisation_members::Column::OrganisationId.eq(organisation_id))
        .and_where(organisation_members::Column::RemovedAt.is_null())
        .to_owned();
    if heads_only {
        members.and_where(
            organisation_members::Column::Role.eq(crate::domain::authorization::OrganisationRole::Head.code()),
        );
    }
    // The members' accounts in one query (a sub-select), not the members first and then their accounts.
    let mut out = people(conn, Condition::all().add(accounts::Column::Id.in_subquery(members))).await?;
    if !heads_only
        && let Some(org) = organisations::Entity::find_by_id(organisation_id).one(conn).await?
        && let Some(email) = org.email
    {
        out.push(Recipient { name: org.name, email, language: Language::Uk });
    }
    Ok(out)
}

pub(super) async fn people(conn: &impl ConnectionTrait, condition: Condition) -> Result<Vec<Recipient>, AppError> {
    Ok(accounts::Entity::find()
        .filter(condition)
        .filter(accounts::Column::EmailVerifiedAt.is_not_null())
        .order_by_asc(accounts::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|a| Recipient {
            name: a.full_name,
            email: a.email,
            language: Language::parse(&a.language).unwrap_or_default(),
        })
        .collect())
}

/// For each of `organisation_ids`: the organisation, and its staff as [`staff`] lists them (verified
/// members by account id, then the organisation's mailbox), in three queries for all of them.
pub(super) async fn staff_of(
    conn: &impl ConnectionTrait,
    organisation_ids: &[i32],
) -> Result<(HashMap<i32, organisations::Model>, HashMap<i32, Vec<Recipient>>), AppError> {
    let orgs: HashMap<i32, organisations::Model> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(organisation_ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let members: Vec<(i32, i32)> = organisation_members::Entity::find()
        .select_only()
        .columns([organisation_members::Column::OrganisationId, organisation_members::Column::AccountId])
        .filter(organisation_members::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
        .filter(organisation_members::Column::RemovedAt.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    let account_ids: BTreeSet<i32> = members.iter().map(|(_, a)| *a).collect();
    let people: HashMap<i32, Recipient> = if account_ids.is_empty() {
        HashMap::new()
    } else {
        accounts::Entity::find()
            .filter(accounts::Column::Id.is_in(account_ids))
            .filter(accounts::Column::EmailVerifiedAt.is_not_null())
            .all(conn)
            .await?
            .into_iter()
            .map(|a| {
                let language = Language::parse(&a.language).unwrap_or_default();
                (a.id, Recipient { name: a.full_name, email: a.email, language })
            })
            .collect()
    };
    let mut by_org: BTreeMap<i32, BTreeSet<i32>> = BTreeMap::new();
    for (org, account) in members {
        by_org.entry(org).or_default().insert(account);
    }
    let mut staff = HashMap::new();
    for &org in organisation_ids {
        let mut out: Vec<Recipient> =
            by_org.get(&org).into_iter().flatten().filter_map(|id| people.get(id).cloned()).collect();
        if let Some(o) = orgs.get(&org)
            && let Some(email) = &o.email
        {
            out.push(Recipient { name: o.name.clone(), email: email.clone(), language: Language::Uk });
        }
        staff.insert(org, out);
    }
    Ok((orgs, staff))
}

/// The author, when the appeal has an e-mail address to write to.
pub(super) fn author_recipient(row: &appeals::Model) -> Option<Recipient> {
    let email = row.author_email.as_ref()?;
    let language = Language::parse(&row.author_language).unwrap_or_default();
    Some(Recipient { name: row.author_name.clone(), email: email.clone(), language })
}

pub(super) async fn queue_mails(
    conn: &impl ConnectionTrait,
    public_url: &str,
    row: &appeals::Model,
    facts: &AppealMail,
    audience: Audience,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut outgoing: Vec<(Notification, Recipient, Option<String>)> = Vec::new();
    if audience.author
        && let Some(recipient) = author_recipient(row)
    {
        outgoing.push((Notification::AppealUpdate(facts.clone()), recipient, None));
    }
    let deadline_key = row.due_at.timestamp();
    if audience.executor {
        let recipients = match (facts.action.as_str(), row.assignee_account_id) {
            // A reminder goes to whoever has the appeal on their desk, else to the whole organisation.
            ("reminded", Some(assignee)) => {
                people(conn, Condition::all().add(accounts::Column::Id.eq(assignee))).await?
            }
            _ => staff(conn, row.executor_id, false).await?,
        };
        for recipient in recipients {
            let (notification, key) = if facts.action == "reminded" {
                let level = facts.days.unwrap_or_default();
                let key = format!("reminder:{}:{deadline_key}:{level}:{}", row.id, recipient.email.to_lowercase());
                (Notification::DeadlineReminder(facts.clone()), Some(key))
            } else {
                (Notification::AppealForExecutor(facts.clone()), None)
            };
            outgoing.push((notification, recipient, key));
        }
    }
    if audience.escalation {
        let mut recipients = staff(conn, row.executor_id, true).await?;
        recipients
            .extend(people(conn, Condition::all().add(accounts::Column::Role.eq(Role::Administrator.code()))).await?);
        // Once per deadline escalated: an extended deadline missed in its turn is escalated again.
        let overdue_key = row.escalated_due_at.map(|t| t.timestamp()).unwrap_or(deadline_key);
        for recipient in recipients {
            let key = format!("overdue:{}:{overdue_key}:{}", row.id, recipient.email.to_lowercase());
            outgoing.push((Notification::DeadlineEscalation(facts.clone()), recipient, Some(key)));
        }
    }
    let mails = render_outgoing(public_url, row.id, outgoing)?;
    crate::storage::notify::enqueue_many(conn, &mails, now).await?;
    Ok(())
}

const FOLLOWED_REPORTS: crate::storage::subscriptions::OptionalMail =
    crate::storage::subscriptions::OptionalMail::FollowedReports;

/// Tells the followers of a public report what its author is told, if they still want news of reports they
/// follow, with a one-click unsubscribe. Private appeals have no followers.
pub(super) async fn queue_follower_mails(
    conn: &impl ConnectionTrait,
    public_url: &str,
    row: &appeals::Model,
    facts: &AppealMail,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::storage::subscriptions;
    if row.kind != AppealKind::IssueReport.code() {
        return Ok(());
    }
    let mut followers = subscriptions::followers(conn, row.id).await?;
    followers.retain(|id| Some(*id) != row.author_account_id);
    let wanting = subscriptions::recipients_wanting(conn, public_url, &followers, FOLLOWED_REPORTS, now).await?;
    // Followers are not the author: the link opens the report's public page.
    let facts = AppealMail { to_follower: true, link: links::report(public_url, row.id), ..facts.clone() };
    let mut mails = Vec::new();
    for account in accounts::Entity::find()
        .filter(accounts::Column::Id.is_in(wanting.keys().copied()))
        .filter(accounts::Column::EmailVerifiedAt.is_not_null())
        .all(conn)
        .await?
    {
        let Ok(email) = Email::parse(&account.email) else { continue };
        let language = Language::parse(&account.language).unwrap_or_default();
        let mut mail = render(&Notification::AppealUpdate(facts.clone()), language, &account.full_name, &email)?;
        mail.list_unsubscribe = wanting.get(&account.id).cloned();
        mails.push(mail);
    }
    crate::storage::notify::enqueue_many(conn, &mails, now).await?;
    Ok(())
}

/// Renders each mail once per kind and address (someone who is both author and officer gets one of each
/// kind); an address that cannot be used is skipped. Each links the page its reader works on.
pub(super) fn render_outgoing(
    public_url: &str,
    appeal_id: i32,
    outgoing: impl IntoIterator<Item = (Notification, Recipient, Option<String>)>,
) -> Result<Vec<Mail>, AppError> {
    let mut seen = std::collections::HashSet::new();
    let mut mails = Vec::new();
    for (notification, recipient, dedupe_key) in outgoing {
        let notification = linked(notification, public_url, appeal_id);
        let Ok(email) = Email::parse(&recipient.email) else {
            tracing::warn!(appeal = appeal_id, "skipping a mail to an unusable address");
            continue;
        };
        if !seen.insert((notification_kind(&notification), email.to_string())) {
            continue;
        }
        let mut mail: Mail = render(&notification, recipient.language, &recipient.name, &email)?;
        mail.dedupe_key = dedupe_key;
        mails.push(mail);
    }
    Ok(mails)
}

/// The link of an appeal mail for its reader: the author's own page, or the case page on the desk.
fn linked(notification: Notification, public_url: &str, appeal_id: i32) -> Notification {
    let with = |mail: AppealMail, link: String| AppealMail { link, ..mail };
    match notification {
        Notification::AppealUpdate(mail) => {
            Notification::AppealUpdate(with(mail, links::my_appeal(public_url, appeal_id)))
        }
        Notification::AppealForExecutor(mail) => {
            Notification::AppealForExecutor(with(mail, links::desk_appeal(public_url, appeal_id)))
        }
        Notification::DeadlineReminder(mail) => {
            Notification::DeadlineReminder(with(mail, links::desk_appeal(public_url, appeal_id)))
        }
        Notification::DeadlineEscalation(mail) => {
            Notification::DeadlineEscalation(with(mail, links::desk_appeal(public_url, appeal_id)))
        }
        other => other,
    }
}

pub(super) fn notification_kind(n: &Notification) -> std::mem::Discriminant<Notification> {
    std::mem::discriminant(n)
}

// ---------------------------------------------------------------------------
// The deadline watcher
// ---------------------------------------------------------------------------
