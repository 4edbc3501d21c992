# Рядки сторінок адміністрування (/admin/…) українською. Ключі ті самі, що в en/admin.ftl.
admin-title = Адміністрування
admin-nav-label = Розділи адміністрування
admin-lead = Довідник, правила й ключі сервісу. Кожна зміна записується в історію подій.
admin-notice-title = Готово
admin-actions = Дії
admin-save = Зберегти
admin-remove = Вилучити
admin-search = Шукати
admin-show = Показати
admin-older = Давніші записи
admin-yes = Так
admin-no = Ні
admin-none = Немає
admin-choose = Виберіть…
admin-warning = Увага
admin-date-hint = Наприклад, 24 8 2026
admin-hours = { $count ->
    [one] { $count } година
    [few] { $count } години
   *[many] { $count } годин
}
date-part-day = День
date-part-month = Місяць
date-part-year = Рік

admin-done-organisation-saved = Організацію збережено.
admin-done-member-saved = Працівника збережено.
admin-done-member-removed = Працівника вилучено.
admin-done-district-saved = Район збережено.
admin-done-category-saved = Категорію збережено.
admin-done-override-saved = День записано.
admin-done-override-removed = Запис вилучено: до цього дня знову застосовуються правила закону.
admin-done-martial-law-saved = Рішення про воєнний стан записано; чинні строки перераховано.
admin-done-statute-saved = Умови статуту прийнято.
admin-done-key-revoked = Ключ відкликано.
admin-done-role-saved = Роль збережено.
admin-done-mail-retried = { $count ->
    [one] { $count } лист знову в черзі.
    [few] { $count } листи знову в черзі.
   *[many] { $count } листів знову в черзі.
}

admin-organisations-title = Організації
admin-organisations-lead = Управління, виконавчі органи й комунальні підприємства та хто в них працює.
admin-organisations-caption = Організації довідника
admin-organisation-add = Додати організацію
admin-c03 = Враховується в показнику C03
admin-field-name = Назва
admin-field-kind = Вид
admin-field-parent = Входить до
admin-field-share = Частка громади, відсотків
admin-field-share-hint = Для комунального підприємства: 50 і більше — показник C03. Залиште порожнім, якщо невідомо.
admin-field-email = Адреса електронної пошти
admin-field-phone = Телефон
admin-field-address = Адреса
admin-field-website = Вебсайт
admin-field-active = Діє
admin-kind-council = Рада
admin-kind-executive_body = Виконавчий орган
admin-kind-department = Управління, відділ
admin-kind-municipal_enterprise = Комунальне підприємство
admin-kind-other = Інше
admin-members-title = Працівники
admin-members-none = Тут ще ніхто не працює.
admin-member-add = Додати працівника
admin-field-account = Обліковий запис
admin-field-account-hint = Номер облікового запису або його адреса електронної пошти.
admin-field-role = Роль
admin-member-role-officer = Виконавець
admin-member-role-head = Керівник

admin-districts-title = Райони
admin-districts-lead = Райони скеровують повідомлення виконавцям: точка в межах району йде виконавцю категорії в цьому районі.
admin-districts-caption = Райони міста
admin-district-add = Додати район
admin-district-edit = Змінити район { $name }
admin-district-area = Межі
admin-district-has-area = Нанесено
admin-district-no-area = Не нанесено
admin-district-form-lead = Вставте межу району як GeoJSON (Polygon, MultiPolygon або Feature з ним) або виберіть файл GeoJSON. Ви перевірите її перед збереженням.
admin-district-field-area = Межа (GeoJSON)
admin-district-field-area-hint = Точки записано як [довгота, широта]; кожне кільце закінчується там, де почалося.
admin-district-field-file = Або файл GeoJSON
admin-district-field-file-hint = Вибраний файл використовується замість тексту вище.
admin-district-check = Перевірити межу
admin-district-check-title = Перевірте район перед збереженням
admin-district-check-lead = Ось що прочитано з межі. Збережіть, якщо все правильно.
admin-district-map-title = Мапа районів із районом { $name }
admin-district-map-caption = Район, який зберігається, показано серед інших районів міста.
admin-district-polygons = Багатокутників
admin-district-points = Вершин
admin-district-bounds = Охопний прямокутник
admin-district-bounds-value = від { $south }, { $west } (південний захід) до { $north }, { $east } (північний схід)
admin-district-save = Зберегти район
admin-district-change = Змінити межу

admin-categories-title = Категорії
admin-categories-lead = Про що повідомляють і пишуть люди, наскільки це нагально і хто цим опікується в кожному районі.
admin-categories-caption = Категорії звернень і повідомлень
admin-category-add = Додати категорію
admin-category-districts = Виконавець у районі
admin-category-districts-hint = Залиште «виконавець за замовчуванням», де районом опікується основний виконавець категорії.
admin-default-executor = Виконавець за замовчуванням
admin-category-used-for = Для чого
admin-field-code = Код
admin-field-code-hint = Латинські літери, цифри й підкреслення, наприклад potholes. Його бачать клієнти Open311.
admin-field-name-uk = Назва українською
admin-field-name-en = Назва англійською
admin-field-urgency = Нагальність
admin-field-hours = Годин на відповідь (лише для аварійних)
admin-field-hours-hint = Від 1 до 720.
admin-field-default-executor = Основний виконавець
admin-field-for-reports = Повідомлення про проблеми
admin-field-for-appeals = Звернення
admin-urgency-emergency = Аварійна
admin-urgency-normal = Звичайна (15 днів)
admin-urgency-complex = Складна (30 днів)

admin-statutes-title = Статут про петиції
admin-statutes-lead = Умови статуту громади для електронних петицій. Умови не редагують: зміна — це нові умови з пізнішої дати, а петиція зберігає умови, чинні на день її оприлюднення.
admin-statutes-caption = Прийняті умови
admin-statute-add = Прийняти умови
admin-field-council = Рада
admin-field-effective-from = Чинні з
admin-field-threshold = Потрібно підписів
admin-field-collection-days = Днів на збирання підписів
admin-field-title-max = Найдовша назва, символів
admin-field-text-max = Найдовший текст, символів
admin-field-signing-mode = Як підписують
admin-signing-verified_account = Лише з підтвердженим обліковим записом
admin-signing-account_or_email = З обліковим записом або з ім'ям і адресою, підтвердженими листом

admin-calendar-title = Календар
admin-calendar-lead = Строки рахують робочі дні за законом, чинним на кожен день. Записуйте тут дні, які Кабінет Міністрів оголосив робочими чи вихідними, з рішенням.
admin-overrides-title = Дні, оголошені робочими чи вихідними
admin-overrides-none = Жодного дня не оголошено.
admin-override-add = Оголосити день
admin-field-date = Дата
admin-field-working = Цей день
admin-working-yes = Робочий
admin-working-no = Вихідний
admin-field-note = Рішення
admin-field-note-hint = Рішення, на якому це ґрунтується, наприклад «Постанова КМУ № 123 від 1 березня 2026 р.».
admin-martial-law-title = Воєнний стан
admin-martial-law-declared = Запроваджено { $date }.
admin-martial-law-ended = Припинено: перший день без нього — { $date }.
admin-martial-law-continues = Триває: святкові дні є робочими.
admin-field-ended-on = Перший день без воєнного стану
admin-field-ended-on-hint = Залиште порожнім, щоб записати, що воєнний стан триває.
admin-field-martial-law-note-hint = Указ чи закон, наприклад «Указ Президента № …».
admin-martial-law-save = Записати рішення

admin-api-keys-title = Ключі API
admin-api-keys-lead = Ключі дозволяють іншим системам (клієнтам Open311, міським панелям) подавати повідомлення. Ключ показують один раз, коли його видано.
admin-api-keys-caption = Видані ключі
admin-api-keys-none = Жодного ключа не видано.
admin-key-issued = Видано
admin-key-status = Стан
admin-key-active = Діє
admin-key-revoked = Відкликано { $at }
admin-key-revoke = Відкликати
admin-key-issue = Видати ключ
admin-key-name = Для кого ключ
admin-key-name-hint = Наприклад, «Міська панель виконавчого комітету».
admin-key-issued-title = Новий ключ
admin-key-issued-for = Ключ для { $name }
admin-key-secret = Ключ
admin-key-once = Скопіюйте ключ зараз: його показано лише цей раз. Зберігається тільки його відбиток.
admin-key-use = Клієнт надсилає його як параметр api_key запитів Open311.
admin-key-shown = Цей ключ показано, коли його видали, і показати знову неможливо. Якщо його втрачено, відкличте його й видайте новий.
admin-key-back = До ключів API

admin-accounts-title = Облікові записи й ролі
admin-accounts-lead = Знайдіть обліковий запис і надайте йому роль модератора чи адміністратора.
admin-accounts-search = Ім'я або адреса електронної пошти
admin-accounts-found = { $count ->
    [one] Знайдено { $count } обліковий запис.
    [few] Знайдено { $count } облікові записи.
   *[many] Знайдено { $count } облікових записів.
}
admin-accounts-first = Показано перші { $count }.
admin-unverified = не підтверджено
admin-role-citizen = Громадянин
admin-role-moderator = Модератор
admin-role-administrator = Адміністратор
admin-role-for = Роль: { $name }
admin-role-save = Зберегти роль
admin-role-own = Власну роль змінити не можна: це може зробити інший адміністратор.

admin-events-title = Історія подій
admin-events-lead = Кожна зміна в адмініструванні, від найновішої, і хто її зробив.
admin-events-subject = Що змінилося
admin-events-all = Усе
admin-events-caption = Зміни
admin-events-none = Ще нічого не змінювалося.
admin-event-when = Коли
admin-event-what = Що
admin-event-action = Зміна
admin-event-by = Обліковий запис
admin-event-details = Подробиці
admin-event-system = Сервіс
admin-subject-organisation = Організація
admin-subject-district = Район
admin-subject-category = Категорія
admin-subject-petition_statute = Статут про петиції
admin-subject-calendar_day = День календаря
admin-subject-calendar_martial_law = Воєнний стан
admin-subject-api_key = Ключ API
admin-subject-account = Обліковий запис

admin-mail-title = Недоставлені листи
admin-mail-lead = Листи, які поштовий сервер відхилив або які не вдалося доставити після всіх спроб, з причиною від сервера. Усуньте причину й поверніть їх у чергу.
admin-mail-caption = Недоставлені листи
admin-mail-none = Недоставлених листів немає.
admin-mail-to = Кому
admin-mail-subject = Тема
admin-mail-reason = Причина від сервера
admin-mail-attempts = Спроб
admin-mail-retry = Надіслати знову
admin-mail-retry-all = Надіслати знову всі недоставлені

# Помилки форм адміністрування, по одній на поле (`<form>-error-<field>`, див. web::forms::FormErrors::field):
# показуються замість англійських слів правила.
statute-error-effective_from = Введіть дату, з якої діють умови: день, місяць і рік чотирма цифрами, у межах років, які охоплює календар
statute-error-signature_threshold = Введіть потрібну кількість підписів: ціле число від 1 до 1 000 000
statute-error-collection_days = Введіть строк збору: ціле число днів від 1 до 365
statute-error-title_max_chars = Введіть межу назви: ціле число символів від 10 до 500
statute-error-text_max_chars = Введіть межу тексту: ціле число символів від 100 до 100 000
statute-error-signing_mode = Оберіть, як підписують
override-error-date = Введіть справжню дату: день, місяць і рік чотирма цифрами, у межах років, які охоплює календар
override-error-working = Оберіть, чи цей день робочий
override-error-note = Назвіть рішення, яке це фіксує, до 500 символів, напр. «Постанова КМУ № 123 від 1 березня 2026 р.»
martial-law-error-martial_law_note = Назвіть рішення, яке це фіксує, до 500 символів, напр. «Указ Президента № 1/2026»

# Помилки форм довідника, по одній на поле (див. web::forms::FormErrors::field); поле з номером
# (`district_5`) бере ключ своєї назви без номера (`category-error-district`).
district-error-name = Введіть назву району, до 200 символів, якої немає в жодного іншого району
organisation-error-name = Введіть назву організації, до 200 символів, якої немає в жодної іншої організації
organisation-error-kind = Оберіть вид організації
organisation-error-parent_id = Оберіть батьківську організацію, іншу ніж ця, або жодної
organisation-error-community_share_percent = Введіть частку громади числом від 0 до 100 або залиште поле порожнім
organisation-error-email = Введіть адресу електронної пошти одним рядком, до 254 символів
organisation-error-phone = Введіть номер телефону одним рядком, до 40 символів
organisation-error-address = Введіть адресу одним рядком, до 300 символів
organisation-error-website = Введіть адресу вебсайту одним рядком, до 500 символів
member-error-account = Введіть номер або адресу електронної пошти наявного облікового запису
member-error-role = Оберіть роль: працівник або керівник
category-error-code = Введіть код, якого немає в жодної іншої категорії: малі латинські літери, цифри, _ або -, до 64 символів
category-error-name_uk = Введіть назву категорії українською, до 200 символів
category-error-name_en = Введіть назву категорії англійською, до 200 символів
category-error-urgency_class = Оберіть клас терміновості
category-error-urgency_hours = Введіть строк для аварійної категорії: ціле число годин від 1 до 720
category-error-default_executor_id = Оберіть організацію, яка типово опрацьовує категорію
category-error-district_executors = Оберіть щонайбільше одного виконавця для кожного наявного району
category-error-district = Оберіть виконавця для району зі списку або жодного
statute-error-effective_from-taken = Ця рада вже має умови з цієї дати; введіть іншу дату
statute-error-council_id = Оберіть раду, для якої ці умови
api-key-error-name = Введіть назву ключа, до 200 символів, якої немає в жодного іншого ключа

# Відмова в межі району (див. service::directory::AreaProblem і AreaError::message у domain).
area-error-missing = Вставте полігон району у форматі GeoJSON або оберіть файл GeoJSON
area-error-not-json = Це не GeoJSON (текст JSON): читання зупинилося в рядку { $line }, позиція { $column }
area-error-too-large = Файл більший за 2 МБ; спростіть межу
area-error-not-text = Файл не текстовий; оберіть файл GeoJSON (.geojson або .json)
area-error-changed = Це не та межа, яку перевіряли; перевірте її ще раз
area-error-not-an-object = Межа має бути об'єктом GeoJSON з "type" Polygon або MultiPolygon і його "coordinates"
area-error-missing-type = В об'єкті GeoJSON немає "type"; використайте "Polygon" або "MultiPolygon"
area-error-unsupported-type = Тип GeoJSON "{ $found }" не може описати район; використайте "Polygon" або "MultiPolygon"
area-error-feature-without-geometry = В об'єкті GeoJSON Feature немає геометрії; спершу намалюйте межу району
area-error-missing-coordinates = У геометрії GeoJSON немає масиву "coordinates"
area-error-not-an-array = Координати мають бути вкладеними масивами JSON: полігони з кілець із позицій [довгота, широта]
area-error-no-polygons = MultiPolygon не містить жодного полігона
area-error-no-rings = Полігон { $polygon } не має кілець; потрібна принаймні зовнішня межа
area-error-malformed-position = Позиція { $position } кільця { $ring } полігона { $polygon } має бути [довгота, широта] з двох чисел
area-error-non-finite = Позиція { $position } кільця { $ring } полігона { $polygon } не є скінченним числом
area-error-longitude = Позиція { $position } кільця { $ring } полігона { $polygon } має довготу { $value }, поза межами -180..180; у GeoJSON довгота йде першою, перевірте порядок
area-error-latitude = Позиція { $position } кільця { $ring } полігона { $polygon } має широту { $value }, поза межами -90..90; у GeoJSON довгота йде першою, перевірте порядок
area-error-too-few-positions = Кільце { $ring } полігона { $polygon } має позицій: { $found }; замкнене кільце потребує щонайменше 4 (три кути й повтор першого)
area-error-not-closed = Кільце { $ring } полігона { $polygon } не замкнене: його перша й остання позиції різні
