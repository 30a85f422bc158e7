package o365

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// benchMessage is a lossless model with the properties of mail.Message: the
// benchmark measures what listing real messages costs.
type benchMessage struct {
	Object
	ID                         string             `json:"id,omitzero" o365:"readonly"`
	CreatedDateTime            time.Time          `json:"createdDateTime,omitzero" o365:"readonly"`
	LastModifiedDateTime       time.Time          `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	ChangeKey                  string             `json:"changeKey,omitzero" o365:"readonly"`
	Categories                 []string           `json:"categories,omitzero"`
	ReceivedDateTime           time.Time          `json:"receivedDateTime,omitzero" o365:"readonly"`
	SentDateTime               time.Time          `json:"sentDateTime,omitzero" o365:"readonly"`
	HasAttachments             bool               `json:"hasAttachments,omitzero" o365:"readonly"`
	InternetMessageID          string             `json:"internetMessageId,omitzero"`
	Subject                    string             `json:"subject,omitzero"`
	BodyPreview                string             `json:"bodyPreview,omitzero" o365:"readonly"`
	Importance                 string             `json:"importance,omitzero"`
	ParentFolderID             string             `json:"parentFolderId,omitzero" o365:"readonly"`
	ConversationID             string             `json:"conversationId,omitzero" o365:"readonly"`
	ConversationIndex          []byte             `json:"conversationIndex,omitzero" o365:"readonly"`
	IsDeliveryReceiptRequested bool               `json:"isDeliveryReceiptRequested,omitzero"`
	IsReadReceiptRequested     bool               `json:"isReadReceiptRequested,omitzero"`
	IsRead                     bool               `json:"isRead,omitzero"`
	IsDraft                    bool               `json:"isDraft,omitzero" o365:"readonly"`
	WebLink                    string             `json:"webLink,omitzero" o365:"readonly"`
	InferenceClassification    string             `json:"inferenceClassification,omitzero"`
	Body                       ItemBody           `json:"body,omitzero"`
	UniqueBody                 ItemBody           `json:"uniqueBody,omitzero" o365:"readonly"`
	Sender                     Recipient          `json:"sender,omitzero"`
	From                       Recipient          `json:"from,omitzero"`
	ToRecipients               []Recipient        `json:"toRecipients,omitzero"`
	CcRecipients               []Recipient        `json:"ccRecipients,omitzero"`
	BccRecipients              []Recipient        `json:"bccRecipients,omitzero"`
	ReplyTo                    []Recipient        `json:"replyTo,omitzero"`
	Flag                       *benchFlag         `json:"flag,omitzero"`
	Attachments                []*benchAttachment `json:"attachments,omitzero"`
}

func (m *benchMessage) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain benchMessage
	return DecodeObject(d, (*plain)(m))
}

func (m benchMessage) MarshalJSON() ([]byte, error) {
	type plain benchMessage
	return MarshalObject((*plain)(&m))
}

type benchFlag struct {
	FlagStatus        string            `json:"flagStatus,omitzero"`
	StartDateTime     *DateTimeTimeZone `json:"startDateTime,omitzero"`
	DueDateTime       *DateTimeTimeZone `json:"dueDateTime,omitzero"`
	CompletedDateTime *DateTimeTimeZone `json:"completedDateTime,omitzero"`
}

type benchAttachment struct {
	Object
	ODataType            string    `json:"@odata.type,omitzero"`
	ID                   string    `json:"id,omitzero" o365:"readonly"`
	Name                 string    `json:"name,omitzero"`
	ContentType          string    `json:"contentType,omitzero"`
	Size                 int64     `json:"size,omitzero" o365:"readonly"`
	IsInline             bool      `json:"isInline,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
}

func (m *benchAttachment) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain benchAttachment
	return DecodeObject(d, (*plain)(m))
}

func (m benchAttachment) MarshalJSON() ([]byte, error) {
	type plain benchAttachment
	return MarshalObject((*plain)(&m))
}

// BenchmarkDecodePage999 measures the request path on one page of 999 messages:
// HTTP over loopback, the key rewrite for PascalCase, and decoding into structs.
func BenchmarkDecodePage999(b *testing.B) {
	var doc map[string]any
	if err := json.Unmarshal(graphPage(999), &doc); err != nil {
		b.Fatal(err)
	}
	delete(doc, "@odata.nextLink") // one page, served again on every loop
	camel, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	pascal, err := rewriteKeysBytes(camel, PascalCase)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		body  []byte
		proto func() *Protocol
	}{
		{"graph", camel, Graph},
		{"office365", pascal, Office365},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write(tc.body)
			}))
			defer srv.Close()
			p := tc.proto()
			p.BaseURL = srv.URL + "/"
			a, err := New(WithProtocol(p), WithTokenSource(StaticToken("t")))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for m, err := range List[benchMessage](context.Background(), a, &Request{Path: "messages"}) {
					if err != nil {
						b.Fatal(err)
					}
					if m.ID == "" {
						b.Fatal("empty id")
					}
					n++
				}
				if n != 999 {
					b.Fatalf("%d messages", n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/999, "ns/msg")
		})
	}
}
