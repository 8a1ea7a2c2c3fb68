package demo

import "github.com/chance-video/chance/domain/premiere"

// details are the demo premieres' details, by slug: the theatre and the running time
// their descriptions tell of. Posters are left empty: the storefront draws a
// placeholder for a card without one.
var details = map[string]premiere.Details{
	"mauser":                 {Theatre: "Театр Наций", DurationMinutes: 100},
	"ten-mauzera":            {Theatre: "Ленком Марка Захарова", DurationMinutes: 180},
	"duel-s-mauzerom":        {Theatre: "Сатирикон", DurationMinutes: 135},
	"babushkin-sunduk":       {Theatre: "Театр Моссовета", DurationMinutes: 150},
	"bronepoezd":             {Theatre: "Александринский театр", DurationMinutes: 165},
	"yolka-u-ivanovyh":       {Theatre: "Электротеатр «Станиславский»", DurationMinutes: 120},
	"korolyov":               {Theatre: "МХТ имени Чехова", DurationMinutes: 155},
	"mertvye-dushi":          {Theatre: "Мастерская Петра Фоменко", DurationMinutes: 230},
	"deadline":               {Theatre: "Театр Et Cetera", DurationMinutes: 90},
	"vishnyovyi-sad":         {Theatre: "Современник", DurationMinutes: 180},
	"evgenii-onegin-opera":   {Theatre: "Большой театр", DurationMinutes: 190},
	"lebedinoe-ozero":        {Theatre: "Пермский театр оперы и балета", DurationMinutes: 175},
	"snegurochka":            {Theatre: "Мариинский театр", DurationMinutes: 210},
	"anna-karenina-musical":  {Theatre: "Московский театр оперетты", DurationMinutes: 170},
	"alye-parusa":            {Theatre: "РАМТ", DurationMinutes: 140},
	"revizor":                {Theatre: "Малый театр", DurationMinutes: 170},
	"gore-ot-uma":            {Theatre: "Театр имени Вахтангова", DurationMinutes: 180},
	"zapiski-sumasshedshego": {Theatre: "Театр на Таганке", DurationMinutes: 80},
	"poltory-komnaty":        {Theatre: "БДТ имени Товстоногова", DurationMinutes: 90},
	"karmen":                 {Theatre: "Геликон-опера", DurationMinutes: 165},
	"iolanta":                {Theatre: "Новая опера", DurationMinutes: 90},
	"bratya-karamazovy":      {Theatre: "БДТ имени Товстоногова", DurationMinutes: 300},
	"dvenadtsat-stuliev":     {Theatre: "Театр на Малой Бронной", DurationMinutes: 160},
	"zhenitba":               {Theatre: "Театр имени Пушкина", DurationMinutes: 120},
	"groza":                  {Theatre: "Театр Маяковского", DurationMinutes: 135},
	"bespridannitsa":         {Theatre: "Театр Ермоловой", DurationMinutes: 180},
	"sobachie-serdtse":       {Theatre: "Табакерка", DurationMinutes: 160},
	"kabare-nostalgiya":      {Theatre: "МДМ", DurationMinutes: 180},
	"tikhii-don":             {Theatre: "Коляда-театр", DurationMinutes: 240},
	"vesyolaya-vdova":        {Theatre: "Новосибирский театр «Глобус»", DurationMinutes: 150},
	"starshii-syn":           {Theatre: "МТЮЗ", DurationMinutes: 120},
	"utinaya-okhota":         {Theatre: "Театр Ленсовета", DurationMinutes: 150},
	"master-i-margarita":     {Theatre: "Театр имени Вахтангова", DurationMinutes: 230},
	"vii":                    {Theatre: "Театр на Таганке", DurationMinutes: 90},
	"zhar-ptitsa":            {Theatre: "Большой театр", DurationMinutes: 50},
}
