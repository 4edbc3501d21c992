# The staff's desk: queue, case page, registration, the head's overview.
desk-nav-label = Desk
desk-nav-queue = Work queue
desk-nav-register = Register an appeal
desk-nav-team = Team
desk-nav-moderation = Moderation
desk-nav-council = Council's petitions
desk-nav-admin = Administration
desk-notice-title = Done
