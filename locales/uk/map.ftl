# Спільна мапа (src/web/map.rs, templates/web/map/map.html, assets/web/map.js).
map-zoom-in = Збільшити
map-zoom-out = Зменшити
map-open-report = Відкрити повідомлення
map-chosen-place = Вибране місце
map-recent-reports = Мапа останніх повідомлень про проблеми
home-map-heading = Останні повідомлення про проблеми
