package mail

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Mailbox settings are kept as one key/value entry per user.

// typeMailboxSettings is the Graph type of mailbox settings.
const typeMailboxSettings = "mailboxSettings"

func settingsKey(userID string) string { return "mail:settings:" + userID }

func defaultMailboxSettings(c *core.Call, userID string) map[string]any {
	now := c.Now().UTC().Truncate(time.Hour)
	return map[string]any{
		"archiveFolder":                         wellKnownID(userID, "archive"),
		"timeZone":                              "UTC",
		"dateFormat":                            "M/d/yyyy",
		"timeFormat":                            "h:mm tt",
		"userPurpose":                           "user",
		"delegateMeetingMessageDeliveryOptions": "sendToDelegateOnly",
		"language":                              map[string]any{"locale": "en-US", "displayName": "English (United States)"},
		"automaticRepliesSetting": map[string]any{
			"status": "disabled", "externalAudience": "all",
			"internalReplyMessage": "", "externalReplyMessage": "",
			"scheduledStartDateTime": map[string]any{"dateTime": now.Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
			"scheduledEndDateTime":   map[string]any{"dateTime": now.Add(24 * time.Hour).Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
		},
		"workingHours": map[string]any{
			"daysOfWeek": []any{"monday", "tuesday", "wednesday", "thursday", "friday"},
			"startTime":  "08:00:00.0000000", "endTime": "17:00:00.0000000",
			"timeZone": map[string]any{"name": "UTC"},
		},
	}
}

func loadSettings(ctx context.Context, tx *core.Tx, c *core.Call, userID string) (map[string]any, error) {
	raw, ok, err := tx.KVGet(ctx, settingsKey(userID))
	if err != nil || !ok {
		return defaultMailboxSettings(c, userID), err
	}
	var s map[string]any
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	return s, nil
}

// readSettings reads the addressed user's mailbox settings.
func readSettings(ctx context.Context, c *core.Call) (map[string]any, error) {
	var s map[string]any
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		s, err = loadSettings(ctx, tx, c, c.User.ID)
		return err
	})
	return s, err
}

func getMailboxSettings(ctx context.Context, c *core.Call) error {
	s, err := readSettings(ctx, c)
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeMailboxSettings, s)
}

var (
	delegateDeliveries = []string{"sendToDelegateAndInformationToPrincipal", "sendToDelegateAndPrincipal", "sendToDelegateOnly"}
	autoReplyStatuses  = []string{"disabled", "alwaysEnabled", "scheduled"}
	audiences          = []string{"none", "contactsOnly", "all"}
)

func patchMailboxSettings(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	var s map[string]any
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		if s, err = loadSettings(ctx, tx, c, c.User.ID); err != nil {
			return err
		}
		for k, v := range in {
			switch k {
			case "automaticRepliesSetting", "workingHours", "language":
				patch, ok := v.(map[string]any)
				if !ok {
					return core.BadRequest("%s must be an object.", k)
				}
				cur, _ := s[k].(map[string]any)
				if cur == nil {
					cur = map[string]any{}
				}
				for pk, pv := range patch {
					cur[pk] = pv
				}
				s[k] = cur
			case "delegateMeetingMessageDeliveryOptions":
				str, _ := v.(string)
				if !core.ContainsFold(delegateDeliveries, str) {
					return core.BadRequest("delegateMeetingMessageDeliveryOptions must be one of %s.", strings.Join(delegateDeliveries, ", "))
				}
				s[k] = str
			case "timeZone", "dateFormat", "timeFormat", "archiveFolder":
				str, ok := v.(string)
				if !ok || str == "" {
					return core.BadRequest("%s must be a non-empty string.", k)
				}
				s[k] = str
			default:
				if !strings.HasPrefix(k, "@") {
					return core.BadRequest("Property '%s' does not exist on type 'microsoft.graph.mailboxSettings' or cannot be changed.", k)
				}
			}
		}
		if ar, ok := s["automaticRepliesSetting"].(map[string]any); ok {
			if err := checkAutoReply(ar); err != nil {
				return err
			}
		}
		raw, err := json.Marshal(s)
		if err != nil {
			return err
		}
		return tx.KVPut(ctx, settingsKey(c.User.ID), raw, time.Time{})
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeMailboxSettings, s)
}

func checkAutoReply(ar map[string]any) error {
	status, _ := ar["status"].(string)
	if !core.ContainsFold(autoReplyStatuses, status) {
		return core.BadRequest("automaticRepliesSetting.status must be one of %s.", strings.Join(autoReplyStatuses, ", "))
	}
	if aud, ok := ar["externalAudience"].(string); ok && !core.ContainsFold(audiences, aud) {
		return core.BadRequest("automaticRepliesSetting.externalAudience must be one of %s.", strings.Join(audiences, ", "))
	}
	if strings.EqualFold(status, "scheduled") {
		start, err1 := dateTimeTZ(ar["scheduledStartDateTime"])
		end, err2 := dateTimeTZ(ar["scheduledEndDateTime"])
		if err1 != nil || err2 != nil {
			return core.BadRequest("A scheduled automatic reply needs scheduledStartDateTime and scheduledEndDateTime.")
		}
		if !end.After(start) {
			return core.BadRequest("The scheduled end of automatic replies must be after its start.")
		}
	}
	return nil
}

// dateTimeTZ reads a dateTimeTimeZone value (UTC or an IANA zone; Windows
// names of the common zones are mapped).
func dateTimeTZ(v any) (time.Time, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return time.Time{}, core.BadRequest("not a dateTimeTimeZone")
	}
	s, _ := m["dateTime"].(string)
	zone, _ := m["timeZone"].(string)
	loc := time.UTC
	if zone != "" && !strings.EqualFold(zone, "UTC") {
		if l, ok := core.LoadZone(zone); ok {
			loc = l
		}
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.9999999", s, loc); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// autoReplyActive reports whether the user's automatic replies are on now,
// and the internal reply text.
func autoReplyActive(ctx context.Context, tx *core.Tx, c *core.Call, userID string, now time.Time) (string, bool) {
	s, err := loadSettings(ctx, tx, c, userID)
	if err != nil {
		return "", false
	}
	ar, _ := s["automaticRepliesSetting"].(map[string]any)
	status, _ := ar["status"].(string)
	text, _ := ar["internalReplyMessage"].(string)
	switch strings.ToLower(status) {
	case "alwaysenabled":
		return text, true
	case "scheduled":
		start, err1 := dateTimeTZ(ar["scheduledStartDateTime"])
		end, err2 := dateTimeTZ(ar["scheduledEndDateTime"])
		return text, err1 == nil && err2 == nil && !now.Before(start) && now.Before(end)
	}
	return "", false
}
