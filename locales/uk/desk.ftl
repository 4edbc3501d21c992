# Робоче місце працівників: черга, картка звернення, реєстрація, огляд керівника.
desk-nav-label = Робоче місце
desk-nav-queue = Черга звернень
desk-nav-register = Зареєструвати звернення
desk-nav-team = Команда
desk-nav-moderation = Модерація
desk-nav-council = Петиції до ради
desk-nav-admin = Адміністрування
desk-notice-title = Готово
