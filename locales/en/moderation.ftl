# Strings of the desk's moderation pages and what the desk pages share, in English. Keys match uk/moderation.ftl.
desk-nav-label = Petitions at the desk
desk-due = Due by { $date }
desk-due-key = Due by
desk-author = Author
desk-signatures = Signatures
desk-text-heading = The petition's text
desk-public-page = The petition's public page
desk-time-overdue = { $days ->
    [one] overdue by { $days } day
   *[other] overdue by { $days } days
}
desk-time-today = due today
desk-time-left = { $days ->
    [one] { $days } working day left
   *[other] { $days } working days left
}

moderation-title = Moderation
moderation-lead = A submitted petition is published, or refused with a reason, within 2 working days. The one waiting longest is first. Nobody moderates their own petition.
moderation-waiting = { $count ->
    [one] { $count } petition awaits moderation
   *[other] { $count } petitions await moderation
}
moderation-empty = No petition awaits moderation.
moderation-case-title = Moderation of petition No. { $id }
moderation-decide-heading = Publish or refuse
moderation-publish = Publish the petition
moderation-refuse-heading = Refuse to publish
moderation-refuse-code = The ground of the refusal
moderation-refuse-reason = Explanation for the author
moderation-refuse-reason-hint = The author receives it by email. Say what in the text is the problem, in at least 10 characters.
moderation-refuse = Refuse the petition
moderation-refused-heading = Refused
moderation-published-on = Published on { $date }.
moderation-back = Back to moderation
moderation-done-published = The petition is published and collects signatures until { $date }. The author was told by email.
moderation-done-refused = The petition is refused. The author was told by email, with your explanation.
refuse-error-code = Choose the ground of the refusal
refuse-error-reason = Explain the refusal to the author in at least 10 characters
