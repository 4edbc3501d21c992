# The staff's desk: queue, case page, registration, the head's overview.
desk-nav-label = Desk
desk-nav-queue = Work queue
desk-nav-register = Register an appeal
desk-nav-team = Team
desk-nav-moderation = Moderation
desk-nav-council = Council's petitions
desk-nav-admin = Administration
desk-notice-title = Done
desk-queue-title = Work queue
desk-organisation = Organisation
desk-switch = Show
desk-forwarded = Appeal No. { $id } was forwarded: it is no longer in your queue, and the author and the new organisation were told.
desk-since-title = Since your last visit ({ $day }, { $time })
desk-since-nothing = Nothing new.
desk-since-new = { $count ->
    [one] { $count } new item
   *[other] { $count } new items
}
desk-since-returned = { $count ->
    [one] { $count } item returned for rework
   *[other] { $count } items returned for rework
}
desk-since-reminded = { $count ->
    [one] { $count } deadline reminder
   *[other] { $count } deadline reminders
}
desk-since-overdue = { $count ->
    [one] { $count } item became overdue
   *[other] { $count } items became overdue
}
desk-groups-title = By urgency
desk-group-overdue = Overdue
desk-group-due_today = Due today
desk-group-due_soon = Due within the reminder window
desk-group-later = Later
desk-filters = Filter and search
desk-search = Number or words
desk-search-hint = An appeal's number (for example 125), or words of its subject or text
desk-field-status = Status
desk-field-kind = Kind
desk-field-category = Category
desk-field-district = District
desk-field-channel = Received by
desk-field-assignee = Officer
desk-field-mine = Only mine
desk-field-privileged = Privileged authors first (art. 20)
desk-any = Any
desk-any-open = Any still awaiting an answer
desk-apply = Apply
desk-clear = Clear the filters
desk-total = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
desk-empty = Nothing here: no item matches.
desk-pages = Pages
desk-previous = Previous page
desk-next-page = Next page
desk-page-of = Page { $page } of { $pages }
desk-privileged = Privileged
desk-returned = Returned for rework
desk-due = Due { $day }
desk-extended = extended
desk-assignee = Officer
desk-nobody = nobody yet
desk-left-days = { $count ->
    [one] { $count } day left
   *[other] { $count } days left
}
desk-left-hours = { $count ->
    [one] { $count } hour left
   *[other] { $count } hours left
}
desk-left-overdue-today = the deadline passed today
desk-left-overdue-days = { $count ->
    [one] overdue by { $count } day
   *[other] overdue by { $count } days
}
desk-status-received = Received
desk-status-in_progress = In progress
desk-status-rework = Rework
desk-status-answered = Answered
desk-status-confirmed = Confirmed
desk-status-refused = Refused
desk-status-duplicate = Duplicate
desk-kind-proposal = Proposal
desk-kind-application = Application
desk-kind-complaint = Complaint
desk-kind-issue_report = Problem report
desk-channel-web = website
desk-channel-paper = on paper
desk-channel-phone = by phone
desk-channel-email = by e-mail
desk-channel-open311 = Open311 app
desk-case-title = Appeal No. { $id }
desk-deadlines = Deadlines
desk-received-on = Received
desk-original-due = First deadline
desk-extended-due = Extended to
desk-due-now = Deadline in force
desk-forward-due = Forward by (art. 7, 5 days)
desk-about = The case
desk-executor = Handled by
desk-routing = How it was routed
desk-place = Place
desk-coordinates = Coordinates
desk-photos = Photos
desk-photo-count = { $count ->
    [one] { $count } photo
   *[other] { $count } photos
}
desk-forwarded-count = Times forwarded
desk-rework-count = Times returned for rework
desk-author = Author
desk-author-private = Personal data: for the organisation's staff only, never public (art. 10).
desk-author-name = Full name
desk-author-address = Address
desk-author-email = E-mail
desk-author-phone = Phone
desk-cosigners = Co-signers
desk-text = Text
desk-answer-given = Answer of { $day }
desk-refused = Refused
desk-duplicate-of = Follows report
desk-actions = What to do
desk-who-told = Who will be told:
desk-told-author = the author, by mail.
desk-told-nobody = nobody by mail; the history records it.
desk-told-author-and-organisation = the author and the organisation it goes to, by mail.
desk-acknowledge = Take it up
desk-acknowledge-button = Acknowledge
desk-assign = Assign
desk-assign-officer-hint = An officer may take an unassigned item themself; reassigning is for the head.
desk-assign-to = Officer
desk-assign-button = Assign
desk-answer = Answer in writing
desk-answer-text = The answer
desk-answer-text-hint = What was done, or why not. "Closed" never passes for "fixed".
desk-competent-body = Who is competent
desk-competent-body-hint = Only for "not our competence": name the body that is.
desk-answer-button = Send the answer
desk-resolution-resolved = Resolved
desk-resolution-not_resolved = Not resolved, with the reason
desk-resolution-not_competent = Not our competence
desk-forward = Forward to another organisation
desk-forward-hint = An appeal outside your competence is forwarded within 5 days: by { $day }.
desk-forward-to = Organisation
desk-forward-reason-hint = Why it is theirs; the author reads it.
desk-forward-button = Forward
desk-reason = Reason
desk-extend = Extend the deadline
desk-extend-cap = The whole term may not exceed 45 days from receipt (art. 20): at most until { $day }.
desk-extend-days = Total days from receipt
desk-extend-days-hint = 16 to 45
desk-extend-button = Extend
desk-extend-late = The deadline has already passed. You may still extend it, but the item stays late: it will not count as answered on time.
desk-extend-closed = The deadline can no longer be extended: the 45 days from receipt (art. 20) have run out.
desk-extend-head-only = Only the head of the organisation extends a deadline.
desk-refuse = Refuse to consider
desk-refuse-reason = Reasons (the author is told how to challenge the refusal)
desk-refuse-button = Refuse
desk-refusal-anonymous = Anonymous appeal
desk-refusal-repeated = Repeated appeal on an issue already decided
desk-refusal-complaint_out_of_time = Complaint filed after the time limit
desk-refusal-non_conforming = Lacks the required content
desk-duplicate = Link as a duplicate
desk-nearby = Open reports of the same category nearby:
desk-metres = { $count } m
desk-duplicate-number = Number of the report it duplicates
desk-duplicate-button = Link
desk-history = History
desk-history-when = When
desk-history-what = What happened
desk-event-received = received
desk-event-acknowledged = acknowledged
desk-event-assigned = assigned
desk-event-forwarded = forwarded
desk-event-extended = deadline extended
desk-event-extended_after_deadline = deadline extended after the deadline (the item stays late)
desk-event-answered = answered
desk-event-refused = refused
desk-event-confirmed = the author confirmed the answer
desk-event-returned_for_rework = the author returned it for rework
desk-event-rated = the author rated the answer
desk-event-marked_duplicate = linked as a duplicate
desk-event-overdue = the deadline passed
desk-event-reminded = deadline reminder sent
desk-event-deadline_recalculated = deadline recounted under the changed law
desk-done-acknowledge = Acknowledged: you have taken it up, and the author was told.
desk-done-assign = Assigned.
desk-done-extend = The deadline was extended, and the author was told.
desk-done-answer = The answer was sent to the author.
desk-done-refuse = Refused; the author was told why and how to challenge it.
desk-done-duplicate-of = Linked as a duplicate; the author was told.
desk-done-registered = Registered. The deadline runs from the date of receipt.
desk-done-forward = Forwarded.
desk-next-received = Next: acknowledge it or assign it, or forward it within 5 days if it is not yours.
desk-next-in_progress = Next: answer it in writing before the deadline.
desk-next-rework = The author returned the answer: answer again before the new deadline.
desk-next-answered = Next: the author confirms the answer or returns it for rework.
desk-next-confirmed = Done: the author confirmed the answer.
desk-next-refused = Done: refused with reasons.
desk-next-duplicate = Done: it follows the report it duplicates.
desk-register-title = Register an appeal received off-line
desk-register-step = Step { $step } of { $steps }
desk-register-channel = How it was received
desk-register-received = Date of receipt
desk-register-received-hint = The real date it arrived, for example 27 3 2026; the deadline runs from it.
desk-date-day = Day
desk-date-month = Month
desk-date-year = Year
desk-register-category-hint = The category routes it; without one it stays with your organisation.
desk-register-no-category = No category
desk-register-subject = Subject
desk-register-privileged = The author has legal privileges (art. 20)
desk-register-continue = Continue
desk-register-check-title = Check before registering
desk-register-deadline = Deadline: { $day }
desk-register-executor = Handled by { $name }
desk-register-deadline-why = Counted from the date of receipt, { $day }.
desk-register-change = Change
desk-register-submit = Register
desk-team-title = Team
desk-team-caption = Open items per officer
desk-team-officer = Officer
desk-team-open = Open
desk-team-overdue = Overdue
desk-team-week = Due this week
desk-team-extended = Extended
desk-team-unassigned = Not assigned
desk-team-total = All
desk-map-title = The place on the map
