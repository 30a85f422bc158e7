package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
)

// The outlookUser navigation (categories, supported time zones and
// languages), mailbox settings' single properties, and Focused Inbox
// overrides.

// patchSetting answers a PATCH of one of the addressed user's stored
// entities of collection coll (rules, categories, overrides): the body is
// decoded, the entity loaded (notFound when absent), changed by apply in
// the same transaction, stored and answered in the shape of typ.
func patchSetting(ctx context.Context, c *core.Call, coll, id, typ string, notFound *core.Error,
	apply func(tx *core.Tx, o *core.Object, in map[string]any) error) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	var o *core.Object
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		if o, err = tx.Get(ctx, coll, c.User.ID, id); core.IsNotFound(err) {
			return notFound
		} else if err != nil {
			return err
		}
		if err := apply(tx, o, in); err != nil {
			return err
		}
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typ, o.Data)
}

// Master categories.

const collCategories = "masterCategories"

// categoryColors are outlookCategory's colours: none and preset0..preset24.
var categoryColors = func() []string {
	out := []string{"none"}
	for i := range 25 {
		out = append(out, "preset"+strconv.Itoa(i))
	}
	return out
}()

// defaultCategories are the categories every mailbox starts with, as
// Exchange creates them.
var defaultCategories = []struct{ name, color string }{
	{"Red category", "preset0"}, {"Orange category", "preset1"}, {"Yellow category", "preset3"},
	{"Green category", "preset4"}, {"Blue category", "preset7"}, {"Purple category", "preset8"},
}

func categoriesScope(c *core.Call) core.Scope {
	return core.Scope{Collection: collCategories, Owner: c.User.ID}
}

// ensureCategories gives the addressed mailbox its default categories the
// first time they are asked for.
func ensureCategories(ctx context.Context, c *core.Call) error {
	key := "mail:categories:" + c.User.ID
	var done bool
	if err := c.Store().Read(ctx, func(tx *core.Tx) error {
		_, ok, err := tx.KVGet(ctx, key)
		done = ok
		return err
	}); err != nil || done {
		return err
	}
	return c.Store().Write(ctx, func(tx *core.Tx) error {
		if _, ok, err := tx.KVGet(ctx, key); err != nil || ok {
			return err
		}
		for i, d := range defaultCategories {
			o := &core.Object{Collection: collCategories, Owner: c.User.ID, ID: core.SeedID("mail", c.User.ID, "category", d.name),
				Sort: fmt.Sprintf("%04d", i), Data: map[string]any{"displayName": d.name, "color": d.color}}
			if err := tx.Put(ctx, o); err != nil {
				return err
			}
		}
		return tx.KVPut(ctx, key, []byte("1"), time.Time{})
	})
}

// Graph types of this file's entities.
const (
	typeCategory = "outlookCategory"
	typeOverride = "inferenceClassificationOverride"
)

func categoriesSpec(c *core.Call) core.ListSpec {
	return core.ListSpec{Scope: categoriesScope(c), Type: typeCategory, DefaultTop: 100, MaxTop: 1000}
}

func errCategoryNotFound() *core.Error {
	return core.ItemNotFound("The specified object was not found in the store., The category was not found.")
}

func listCategories(ctx context.Context, c *core.Call) error {
	if err := ensureCategories(ctx, c); err != nil {
		return err
	}
	return c.List(ctx, categoriesSpec(c))
}

func getCategory(ctx context.Context, c *core.Call) error {
	if err := ensureCategories(ctx, c); err != nil {
		return err
	}
	err := c.GetEntity(ctx, categoriesSpec(c), c.Param("category"))
	if core.IsNotFound(err) {
		return errCategoryNotFound()
	}
	return err
}

// enumInput reads an enum value of a request body in any case, returning
// Graph's spelling: 400 RequestBodyRead for a value the enum lacks.
func enumInput(members []string, v any, enum string) (string, error) {
	s, _ := v.(string)
	m, ok := core.Canonical(members, s)
	if !ok {
		return "", core.Errorf(http.StatusBadRequest, "RequestBodyRead",
			"The value '%v' is not a valid %s; use one of %s.", v, enum, strings.Join(members, ", "))
	}
	return m, nil
}

func checkColor(v any) (string, error) { return enumInput(categoryColors, v, "categoryColor") }

func createCategory(ctx context.Context, c *core.Call) error {
	if err := ensureCategories(ctx, c); err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	name, _ := in["displayName"].(string)
	if strings.TrimSpace(name) == "" {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "A category needs a displayName.")
	}
	color := "none"
	if v, ok := in["color"]; ok {
		var err error
		if color, err = checkColor(v); err != nil {
			return err
		}
	}
	for k := range in {
		if k != "displayName" && k != "color" && !strings.HasPrefix(k, "@") {
			return core.Errorf(http.StatusBadRequest, "RequestBodyRead", "The property '%s' does not exist on type 'microsoft.graph.outlookCategory'.", k)
		}
	}
	o := &core.Object{Collection: collCategories, Owner: c.User.ID, ID: uuid.NewString(),
		Data: map[string]any{"displayName": name, "color": color}}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		existing, err := tx.List(ctx, categoriesScope(c), false, 0, 0)
		if err != nil {
			return err
		}
		for _, e := range existing {
			if strings.EqualFold(core.Str(e.Data, "displayName"), name) {
				return core.Errorf(http.StatusConflict, "ErrorDuplicateCategory", "A category named '%s' already exists.", name)
			}
		}
		o.Sort = fmt.Sprintf("%04d", len(existing))
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeCategory, o.Data)
}

func patchCategory(ctx context.Context, c *core.Call) error {
	if err := ensureCategories(ctx, c); err != nil {
		return err
	}
	return patchSetting(ctx, c, collCategories, c.Param("category"), typeCategory, errCategoryNotFound(), func(_ *core.Tx, o *core.Object, in map[string]any) error {
		for k, v := range in {
			switch {
			case strings.HasPrefix(k, "@"):
			case k == "color":
				color, err := checkColor(v)
				if err != nil {
					return err
				}
				o.Data["color"] = color
			case k == "displayName":
				// Exchange keys categories by name: a category cannot be renamed.
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest",
					"The displayName of a category cannot be changed; create a category with the new name instead.")
			default:
				return core.Errorf(http.StatusBadRequest, "RequestBodyRead", "The property '%s' does not exist on type 'microsoft.graph.outlookCategory'.", k)
			}
		}
		return nil
	})
}

func deleteCategory(ctx context.Context, c *core.Call) error {
	if err := ensureCategories(ctx, c); err != nil {
		return err
	}
	err := c.DeleteEntity(ctx, categoriesScope(c), c.Param("category"))
	if core.IsNotFound(err) {
		return errCategoryNotFound()
	}
	return err
}

// Supported time zones and languages.

// supportedTimeZones answers outlook/supportedTimeZones and
// supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Iana'):
// Windows' zones by default, their IANA names on request.
func supportedTimeZones(_ context.Context, c *core.Call) error {
	standard, given := c.FunctionArg("TimeZoneStandard")
	iana := false
	switch {
	case !given, strings.EqualFold(standard, "Windows"):
	case strings.EqualFold(standard, "Iana"):
		iana = true
	default:
		return core.Errorf(http.StatusBadRequest, "BadRequest",
			"The value '%s' is not a valid timeZoneStandard; use Windows or Iana.", standard)
	}
	var out []any
	seen := map[string]bool{}
	for _, z := range core.WindowsZones() {
		alias, display := z.Name, z.Display
		if iana {
			if seen[z.IANA] {
				continue
			}
			seen[z.IANA] = true
			alias, display = z.IANA, z.IANA
		}
		out = append(out, map[string]any{"alias": alias, "displayName": display})
	}
	return c.WriteJSON(http.StatusOK, map[string]any{
		"@odata.context": c.RootURL() + "$metadata#Collection(microsoft.graph.timeZoneInformation)",
		"value":          out,
	})
}

// supportedLanguages answers outlook/supportedLanguages.
func supportedLanguages(_ context.Context, c *core.Call) error {
	out := make([]any, 0, len(outlookLanguages))
	for _, l := range outlookLanguages {
		out = append(out, map[string]any{"locale": l[0], "displayName": l[1]})
	}
	return c.WriteJSON(http.StatusOK, map[string]any{
		"@odata.context": c.RootURL() + "$metadata#Collection(microsoft.graph.localeInfo)",
		"value":          out,
	})
}

// outlookLanguages are the locales Outlook offers, with their names in
// their own language (the culture's native name, as Exchange gives them).
var outlookLanguages = [][2]string{
	{"af-ZA", "Afrikaans (Suid-Afrika)"}, {"am-ET", "አማርኛ (ኢትዮጵያ)"}, {"ar-SA", "العربية (المملكة العربية السعودية)"},
	{"az-Latn-AZ", "azərbaycan (Azərbaycan)"}, {"be-BY", "беларуская (Беларусь)"}, {"bg-BG", "български (България)"},
	{"bn-IN", "বাংলা (ভারত)"}, {"bs-Latn-BA", "bosanski (Bosna i Hercegovina)"}, {"ca-ES", "català (Espanya)"},
	{"cs-CZ", "čeština (Česko)"}, {"cy-GB", "Cymraeg (Y Deyrnas Unedig)"}, {"da-DK", "dansk (Danmark)"},
	{"de-AT", "Deutsch (Österreich)"}, {"de-CH", "Deutsch (Schweiz)"}, {"de-DE", "Deutsch (Deutschland)"},
	{"el-GR", "Ελληνικά (Ελλάδα)"}, {"en-AU", "English (Australia)"}, {"en-CA", "English (Canada)"},
	{"en-GB", "English (United Kingdom)"}, {"en-IE", "English (Ireland)"}, {"en-IN", "English (India)"},
	{"en-NZ", "English (New Zealand)"}, {"en-US", "English (United States)"}, {"en-ZA", "English (South Africa)"},
	{"es-ES", "español (España)"}, {"es-MX", "español (México)"}, {"es-US", "español (Estados Unidos)"},
	{"et-EE", "eesti (Eesti)"}, {"eu-ES", "euskara (Espainia)"}, {"fa-IR", "فارسی (ایران)"},
	{"fi-FI", "suomi (Suomi)"}, {"fil-PH", "Filipino (Pilipinas)"}, {"fr-BE", "français (Belgique)"},
	{"fr-CA", "français (Canada)"}, {"fr-CH", "français (Suisse)"}, {"fr-FR", "français (France)"},
	{"ga-IE", "Gaeilge (Éire)"}, {"gl-ES", "galego (España)"}, {"gu-IN", "ગુજરાતી (ભારત)"},
	{"he-IL", "עברית (ישראל)"}, {"hi-IN", "हिन्दी (भारत)"}, {"hr-HR", "hrvatski (Hrvatska)"},
	{"hu-HU", "magyar (Magyarország)"}, {"hy-AM", "հայերեն (Հայաստան)"}, {"id-ID", "Indonesia (Indonesia)"},
	{"is-IS", "íslenska (Ísland)"}, {"it-IT", "italiano (Italia)"}, {"ja-JP", "日本語 (日本)"},
	{"ka-GE", "ქართული (საქართველო)"}, {"kk-KZ", "қазақ тілі (Қазақстан)"}, {"km-KH", "ខ្មែរ (កម្ពុជា)"},
	{"kn-IN", "ಕನ್ನಡ (ಭಾರತ)"}, {"ko-KR", "한국어(대한민국)"}, {"lt-LT", "lietuvių (Lietuva)"},
	{"lv-LV", "latviešu (Latvija)"}, {"mk-MK", "македонски (Северна Македонија)"}, {"ml-IN", "മലയാളം (ഇന്ത്യ)"},
	{"mr-IN", "मराठी (भारत)"}, {"ms-MY", "Melayu (Malaysia)"}, {"mt-MT", "Malti (Malta)"},
	{"nb-NO", "norsk bokmål (Norge)"}, {"nl-BE", "Nederlands (België)"}, {"nl-NL", "Nederlands (Nederland)"},
	{"nn-NO", "nynorsk (Noreg)"}, {"pl-PL", "polski (Polska)"}, {"pt-BR", "português (Brasil)"},
	{"pt-PT", "português (Portugal)"}, {"ro-RO", "română (România)"}, {"ru-RU", "русский (Россия)"},
	{"sk-SK", "slovenčina (Slovensko)"}, {"sl-SI", "slovenščina (Slovenija)"}, {"sq-AL", "shqip (Shqipëri)"},
	{"sr-Cyrl-RS", "српски (Србија)"}, {"sr-Latn-RS", "srpski (Srbija)"}, {"sv-SE", "svenska (Sverige)"},
	{"sw-KE", "Kiswahili (Kenya)"}, {"ta-IN", "தமிழ் (இந்தியா)"}, {"te-IN", "తెలుగు (భారతదేశం)"},
	{"th-TH", "ไทย (ไทย)"}, {"tr-TR", "Türkçe (Türkiye)"}, {"uk-UA", "українська (Україна)"},
	{"ur-PK", "اردو (پاکستان)"}, {"uz-Latn-UZ", "o‘zbek (Oʻzbekiston)"}, {"vi-VN", "Tiếng Việt (Việt Nam)"},
	{"zh-CN", "中文(中国)"}, {"zh-HK", "中文(香港特別行政區)"}, {"zh-TW", "中文(台灣)"},
}

// Mailbox settings, one property at a time.

// mailboxSettingNames are the properties of mailboxSettings served on
// their own paths (GET only, as Graph).
var mailboxSettingNames = []string{"automaticRepliesSetting", "archiveFolder", "dateFormat", "delegateMeetingMessageDeliveryOptions",
	"language", "timeFormat", "timeZone", "userPurpose", "workingHours"}

// getMailboxSetting answers mailboxSettings/{setting}: an object property
// as an entity, a primitive one as {"value": ...}, each with its
// @odata.context.
func getMailboxSetting(ctx context.Context, c *core.Call) error {
	name, ok := core.Canonical(mailboxSettingNames, c.Param("setting"))
	if !ok {
		return core.BadRequest("Resource not found for the segment '%s'.", c.Param("setting"))
	}
	s, err := readSettings(ctx, c)
	if err != nil {
		return err
	}
	context := c.RootURL() + "$metadata#users('" + c.User.ID + "')/mailboxSettings/" + name
	v := s[name]
	if m, ok := v.(map[string]any); ok {
		out := core.CloneDoc(m)
		out["@odata.context"] = context
		return c.WriteJSON(http.StatusOK, out)
	}
	return c.WriteJSON(http.StatusOK, map[string]any{"@odata.context": context, "value": v})
}

// Focused Inbox overrides.

const collOverrides = "inferenceClassificationOverrides"

// maxOverrides is Exchange's limit per mailbox.
const maxOverrides = 1000

var classifications = []string{"focused", "other"}

func overridesScope(c *core.Call) core.Scope {
	return core.Scope{Collection: collOverrides, Owner: c.User.ID}
}

func listOverrides(ctx context.Context, c *core.Call) error {
	return c.List(ctx, core.ListSpec{Scope: overridesScope(c), Type: typeOverride, DefaultTop: 100, MaxTop: 1000})
}

func checkClassification(v any) (string, error) {
	return enumInput(classifications, v, "inferenceClassificationType")
}

// createOverride adds an override, or updates the one of the same sender,
// as Graph does.
func createOverride(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	classifyAs, err := checkClassification(in["classifyAs"])
	if err != nil {
		return err
	}
	sender, _ := in["senderEmailAddress"].(map[string]any)
	if !validRecipient(map[string]any{"emailAddress": sender}) {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "senderEmailAddress needs a valid SMTP address.")
	}
	addr := strings.ToLower(core.Str(sender, "address"))
	doc := map[string]any{"classifyAs": classifyAs, "senderEmailAddress": map[string]any{"name": core.Str(sender, "name"), "address": addr}}
	status := http.StatusCreated
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		existing, err := tx.List(ctx, overridesScope(c), false, 0, 0)
		if err != nil {
			return err
		}
		id := uuid.NewString()
		for _, e := range existing {
			if ea, _ := e.Data["senderEmailAddress"].(map[string]any); strings.EqualFold(core.Str(ea, "address"), addr) {
				id = e.ID
			}
		}
		if len(existing) >= maxOverrides && !slices.ContainsFunc(existing, func(o *core.Object) bool { return o.ID == id }) {
			return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "A mailbox holds at most %d overrides.", maxOverrides)
		}
		return tx.Put(ctx, &core.Object{Collection: collOverrides, Owner: c.User.ID, ID: id, Data: doc})
	})
	if err != nil {
		return err
	}
	return c.EntityOf(status, typeOverride, doc)
}

func patchOverride(ctx context.Context, c *core.Call) error {
	notFound := core.ItemNotFound("The specified object was not found in the store.")
	return patchSetting(ctx, c, collOverrides, c.Param("override"), typeOverride, notFound, func(_ *core.Tx, o *core.Object, in map[string]any) error {
		for k, v := range in {
			switch {
			case strings.HasPrefix(k, "@"):
			case k == "classifyAs":
				cl, err := checkClassification(v)
				if err != nil {
					return err
				}
				o.Data["classifyAs"] = cl
			default:
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest",
					"Only classifyAs of an override can change; delete it and create one for another sender.")
			}
		}
		return nil
	})
}

func deleteOverride(ctx context.Context, c *core.Call) error {
	return c.DeleteEntity(ctx, overridesScope(c), c.Param("override"))
}

// classification is how a message from address is classified in u's
// mailbox: by the override for that sender, else focused.
func classification(ctx context.Context, tx *core.Tx, u *core.User, from string) (string, error) {
	class := "focused"
	if from == "" {
		return class, nil
	}
	err := tx.Scan(ctx, core.Scope{Collection: collOverrides, Owner: u.ID}, false, func(data []byte) (bool, error) {
		var o struct {
			ClassifyAs string `json:"classifyAs"`
			Sender     struct {
				Address string `json:"address"`
			} `json:"senderEmailAddress"`
		}
		if err := json.Unmarshal(data, &o); err != nil {
			return false, err
		}
		if strings.EqualFold(o.Sender.Address, from) {
			class = o.ClassifyAs
			return false, nil
		}
		return true, nil
	})
	return class, err
}
