# Strings of the administration pages (/admin/…), in English. Keys match uk/admin.ftl one to one.
admin-title = Administration
admin-nav-label = Administration sections
admin-lead = The directory, the rules and the service's keys. Every change is recorded in the event history.
admin-notice-title = Done
admin-actions = Actions
admin-save = Save
admin-remove = Remove
admin-search = Search
admin-show = Show
admin-older = Older entries
admin-yes = Yes
admin-no = No
admin-none = None
admin-choose = Choose…
admin-warning = Warning
admin-date-hint = For example, 24 8 2026
admin-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
date-part-day = Day
date-part-month = Month
date-part-year = Year

admin-done-organisation-saved = The organisation is saved.
admin-done-member-saved = The member is saved.
admin-done-member-removed = The member is removed.
admin-done-district-saved = The district is saved.
admin-done-category-saved = The category is saved.
admin-done-override-saved = The day is recorded.
admin-done-override-removed = The override is removed: the statutory rules apply to that day again.
admin-done-martial-law-saved = The decision about martial law is recorded; running deadlines were counted again.
admin-done-statute-saved = The statute terms are adopted.
admin-done-key-revoked = The key is revoked.
admin-done-role-saved = The role is saved.
admin-done-mail-retried = { $count ->
    [one] { $count } mail is back in the queue.
   *[other] { $count } mails are back in the queue.
}

admin-organisations-title = Organisations
admin-organisations-lead = Departments, executive bodies and municipal enterprises, and who works in them.
admin-organisations-caption = Organisations of the directory
admin-organisation-add = Add an organisation
admin-c03 = Covered by indicator C03
admin-field-name = Name
admin-field-kind = Kind
admin-field-parent = Part of
admin-field-share = Community's share, per cent
admin-field-share-hint = For a municipal enterprise: 50 or more puts it in indicator C03. Leave empty if unknown.
admin-field-email = E-mail address
admin-field-phone = Phone
admin-field-address = Address
admin-field-website = Website
admin-field-active = Active
admin-kind-council = Council
admin-kind-executive_body = Executive body
admin-kind-department = Department
admin-kind-municipal_enterprise = Municipal enterprise
admin-kind-other = Other
admin-members-title = Members
admin-members-none = Nobody works here yet.
admin-member-add = Add a member
admin-field-account = Account
admin-field-account-hint = The account's number or its e-mail address.
admin-field-role = Role
admin-member-role-officer = Officer
admin-member-role-head = Head

admin-districts-title = Districts
admin-districts-lead = Districts route reports to executors: a point inside a district's area goes to that district's executor of the category.
admin-districts-caption = Districts of the city
admin-district-add = Add a district
admin-district-edit = Change district { $name }
admin-district-area = Area
admin-district-has-area = Drawn
admin-district-no-area = Not drawn
admin-district-form-lead = Paste the district's border as GeoJSON (a Polygon, a MultiPolygon or a Feature with one), or choose a GeoJSON file. You will check it before it is saved.
admin-district-field-area = Border (GeoJSON)
admin-district-field-area-hint = Positions are [longitude, latitude]; each ring ends where it starts.
admin-district-field-file = Or a GeoJSON file
admin-district-field-file-hint = A chosen file is used instead of the text above.
admin-district-check = Check the border
admin-district-check-title = Check the district before saving
admin-district-check-lead = This is what was read from the border. Save it if it is right.
admin-district-map-title = Map of the districts with { $name }
admin-district-map-caption = The district being saved is drawn among the city's other districts.
admin-district-polygons = Polygons
admin-district-points = Corner points
admin-district-bounds = Bounding box
admin-district-bounds-value = from { $south }, { $west } (south-west) to { $north }, { $east } (north-east)
admin-district-save = Save the district
admin-district-change = Change the border

admin-categories-title = Categories
admin-categories-lead = What people report or write about, how urgent it is and who handles it in each district.
admin-categories-caption = Categories of appeals and reports
admin-category-add = Add a category
admin-category-districts = Executor by district
admin-category-districts-hint = Leave "the default executor" where the category's default executor handles the district.
admin-default-executor = The default executor
admin-category-used-for = Used for
admin-field-code = Code
admin-field-code-hint = Latin letters, digits and underscores, e.g. potholes. Open311 clients see it.
admin-field-name-uk = Name in Ukrainian
admin-field-name-en = Name in English
admin-field-urgency = Urgency
admin-field-hours = Hours to answer (emergency only)
admin-field-hours-hint = From 1 to 720.
admin-field-default-executor = Default executor
admin-field-for-reports = Problem reports
admin-field-for-appeals = Appeals
admin-urgency-emergency = Emergency
admin-urgency-normal = Normal (15 days)
admin-urgency-complex = Complex (30 days)

admin-statutes-title = Petition statutes
admin-statutes-lead = The community statute's terms for e-petitions. Terms are never edited: a change is new terms from a later date, and a petition keeps the terms in force when it was published.
admin-statutes-caption = Terms adopted
admin-statute-add = Adopt terms
admin-field-council = Council
admin-field-effective-from = In force from
admin-field-threshold = Signatures needed
admin-field-collection-days = Days to collect signatures
admin-field-title-max = Longest title, characters
admin-field-text-max = Longest text, characters
admin-field-signing-mode = How people sign
admin-signing-verified_account = With a confirmed account only
admin-signing-account_or_email = With an account, or with name and e-mail confirmed by a mailed link

admin-calendar-title = Calendar
admin-calendar-lead = Deadlines count working days by the law in force on each day. Record here the days the Cabinet declares working or off, with the decision.
admin-overrides-title = Days declared working or off
admin-overrides-none = No day is declared.
admin-override-add = Declare a day
admin-field-date = Date
admin-field-working = The day is
admin-working-yes = A working day
admin-working-no = A day off
admin-field-note = Decision
admin-field-note-hint = The decision that grounds it, e.g. "Cabinet resolution No. 123 of 1 March 2026".
admin-martial-law-title = Martial law
admin-martial-law-declared = Declared on { $date }.
admin-martial-law-ended = Ended: the first day without it was { $date }.
admin-martial-law-continues = It continues: holidays are working days.
admin-field-ended-on = First day without martial law
admin-field-ended-on-hint = Leave empty to record that martial law continues.
admin-field-martial-law-note-hint = The decree or law, e.g. "Presidential Decree No. …".
admin-martial-law-save = Record the decision

admin-api-keys-title = API keys
admin-api-keys-lead = Keys let other systems (Open311 clients, city dashboards) file reports. A key is shown once, when it is issued.
admin-api-keys-caption = Keys issued
admin-api-keys-none = No key has been issued.
admin-key-issued = Issued
admin-key-status = Status
admin-key-active = In use
admin-key-revoked = Revoked { $at }
admin-key-revoke = Revoke
admin-key-issue = Issue a key
admin-key-name = Who the key is for
admin-key-name-hint = For example, "City dashboard of the executive committee".
admin-key-issued-title = The new key
admin-key-issued-for = Key for { $name }
admin-key-secret = The key
admin-key-once = Copy the key now: it is shown only this once. Only its fingerprint is kept.
admin-key-use = The client sends it as the api_key parameter of Open311 requests.
admin-key-shown = This key was shown when it was issued and cannot be shown again. If it is lost, revoke it and issue a new one.
admin-key-back = Back to the API keys

admin-accounts-title = Accounts and roles
admin-accounts-lead = Find an account and give it the moderator or administrator role.
admin-accounts-search = Name or e-mail address
admin-accounts-found = { $count ->
    [one] { $count } account found.
   *[other] { $count } accounts found.
}
admin-accounts-first = Showing the first { $count }.
admin-unverified = not confirmed
admin-role-citizen = Citizen
admin-role-moderator = Moderator
admin-role-administrator = Administrator
admin-role-for = Role of { $name }
admin-role-save = Save the role
admin-role-own = You cannot change your own role: another administrator can.

admin-events-title = Event history
admin-events-lead = Every change made in the administration, newest first, with who made it.
admin-events-subject = What changed
admin-events-all = Everything
admin-events-caption = Changes
admin-events-none = Nothing has changed yet.
admin-event-when = When
admin-event-what = What
admin-event-action = Change
admin-event-by = By account
admin-event-details = Details
admin-event-system = The service
admin-subject-organisation = Organisation
admin-subject-district = District
admin-subject-category = Category
admin-subject-petition_statute = Petition statute
admin-subject-calendar_day = Calendar day
admin-subject-calendar_martial_law = Martial law
admin-subject-api_key = API key
admin-subject-account = Account

admin-mail-title = Failed mail
admin-mail-lead = Mails the mail server refused or that could not be delivered after every attempt, with the server's reason. Fix the cause, then put them back in the queue.
admin-mail-caption = Mails not delivered
admin-mail-none = No mail has failed.
admin-mail-to = To
admin-mail-subject = Subject
admin-mail-reason = Server's reason
admin-mail-attempts = Attempts
admin-mail-retry = Retry
admin-mail-retry-all = Retry every failed mail

# The admin forms' errors, one per field (`<form>-error-<field>`, see web::forms::FormErrors::field):
# shown instead of the rule's own English words.
statute-error-effective_from = Enter the date the terms apply from: day, month and a four-digit year, within the years the calendar covers
statute-error-signature_threshold = Enter the signatures needed: a whole number from 1 to 1,000,000
statute-error-collection_days = Enter the collection period: a whole number of days from 1 to 365
statute-error-title_max_chars = Enter the title limit: a whole number of characters from 10 to 500
statute-error-text_max_chars = Enter the text limit: a whole number of characters from 100 to 100,000
statute-error-signing_mode = Choose how people sign
override-error-date = Enter a real date: day, month and a four-digit year, within the years the calendar covers
override-error-working = Choose whether the day is a working day
override-error-note = Name the decision this records in up to 500 characters, e.g. "Cabinet resolution No. 123 of 1 March 2026"
martial-law-error-martial_law_note = Name the decision this records in up to 500 characters, e.g. "Presidential Decree No. 1/2026"

# The directory forms' errors, one per field (see web::forms::FormErrors::field); a numbered field
# (`district_5`) uses its name's key without the number (`category-error-district`).
district-error-name = Enter the district's name, up to 200 characters, one no other district has
organisation-error-name = Enter the organisation's name, up to 200 characters, one no other organisation has
organisation-error-kind = Choose the kind of organisation
organisation-error-parent_id = Choose a parent organisation other than this one, or none
organisation-error-community_share_percent = Enter the community's share as a number from 0 to 100, or leave it empty
organisation-error-email = Enter the e-mail address on one line, in up to 254 characters
organisation-error-phone = Enter the telephone number on one line, in up to 40 characters
organisation-error-address = Enter the address on one line, in up to 300 characters
organisation-error-website = Enter the web address on one line, in up to 500 characters
member-error-account = Enter the number or the e-mail address of an existing account
member-error-role = Choose the role: officer or head
category-error-code = Enter a code no other category has: lower-case latin letters, digits, _ or -, up to 64 characters
category-error-name_uk = Enter the category's name in Ukrainian, up to 200 characters
category-error-name_en = Enter the category's name in English, up to 200 characters
category-error-urgency_class = Choose the urgency class
category-error-urgency_hours = Enter the term of an emergency: a whole number of hours from 1 to 720
category-error-default_executor_id = Choose the organisation that handles the category by default
category-error-district_executors = Choose one executor at most for each district that exists
category-error-district = Choose the district's executor from the list, or none
statute-error-effective_from-taken = This council already has terms from that date; enter another date
statute-error-council_id = Choose the council the terms are for
api-key-error-name = Enter a name for the key, up to 200 characters, one no other key has

# A district's border refused (see service::directory::AreaProblem and domain AreaError::message).
area-error-missing = Paste the district's GeoJSON polygon or choose a GeoJSON file
area-error-not-json = This is not GeoJSON (JSON text): reading stopped at line { $line }, column { $column }
area-error-too-large = The file is larger than 2 MB; simplify the border
area-error-not-text = The file is not text; choose a GeoJSON (.geojson or .json) file
area-error-changed = The border is not the one that was checked; check it again
area-error-not-an-object = The border must be a GeoJSON object with the "type" Polygon or MultiPolygon and its "coordinates"
area-error-missing-type = The GeoJSON object has no "type"; use "Polygon" or "MultiPolygon"
area-error-unsupported-type = GeoJSON type "{ $found }" cannot describe a district; use "Polygon" or "MultiPolygon"
area-error-feature-without-geometry = The GeoJSON Feature has no geometry; draw the district's border first
area-error-missing-coordinates = The GeoJSON geometry has no "coordinates" array
area-error-not-an-array = The coordinates must be nested JSON arrays: polygons of rings of [longitude, latitude] positions
area-error-no-polygons = The MultiPolygon contains no polygons
area-error-no-rings = Polygon { $polygon } has no rings; it needs at least an outer border
area-error-malformed-position = Position { $position } of ring { $ring } of polygon { $polygon } must be [longitude, latitude] with two numbers
area-error-non-finite = Position { $position } of ring { $ring } of polygon { $polygon } is not a finite number
area-error-longitude = Position { $position } of ring { $ring } of polygon { $polygon } has longitude { $value }, outside -180..180; GeoJSON puts longitude first, check the order
area-error-latitude = Position { $position } of ring { $ring } of polygon { $polygon } has latitude { $value }, outside -90..90; GeoJSON puts longitude first, check the order
area-error-too-few-positions = Ring { $ring } of polygon { $polygon } has { $found } positions; a closed ring needs at least 4 (three corners plus the first repeated)
area-error-not-closed = Ring { $ring } of polygon { $polygon } is not closed: its first and last positions differ
