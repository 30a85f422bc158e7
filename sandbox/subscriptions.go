package sandbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

const (
	collSubscriptions = "subscriptions"
	collSubWatches    = "sandbox.subscriptionWatches" // what each subscription watches
	validationTimeout = 10 * time.Second
	notifyTimeout     = 30 * time.Second
)

// subscribable is a resource areas let clients subscribe to, e.g.
// "{user}/messages" or "{user}/mailFolders/{id}/messages". Creating a
// subscription also needs the permissions of the GET route of the same
// resource.
type subscribable struct {
	Pattern   string
	MaxExpiry time.Duration
	ODataType string // resourceData @odata.type, e.g. "#Microsoft.Graph.Message"
	// Scope is the part of the change log the resource covers; c.user and
	// c.params are resolved from the resource path.
	Scope func(ctx context.Context, c *call) (scope, error)
}

// subscriptionWatch is stored next to each subscription.
type subscriptionWatch struct {
	Scope     scope  `json:"scope"`
	ODataType string `json:"odataType"`
}

func init() {
	anyToken := []string{"User.Read", "User.ReadBasic.All", "Mail.Read", "Mail.ReadWrite", "Calendars.Read", "Calendars.ReadWrite",
		"Contacts.Read", "Contacts.ReadWrite", "Files.Read", "Files.ReadWrite", "Files.ReadWrite.All", "Group.Read.All", "Directory.Read.All"}
	anyRole := []string{"User.Read.All", "Mail.Read", "Mail.ReadWrite", "Calendars.ReadWrite", "Contacts.ReadWrite",
		"Files.ReadWrite.All", "Group.Read.All", "Directory.Read.All"}
	// The real check is the GET route of the subscribed resource; these
	// only keep tokens without any data permission out.
	registerArea(area{
		Name: "subscriptions",
		Routes: []route{
			{Method: http.MethodPost, Pattern: "subscriptions", Scopes: anyToken, Roles: anyRole, Handle: createSubscription},
			{Method: http.MethodGet, Pattern: "subscriptions", Scopes: anyToken, Roles: anyRole, Handle: listSubscriptions},
			{Method: http.MethodGet, Pattern: "subscriptions/{id}", Scopes: anyToken, Roles: anyRole, Handle: getSubscription},
			{Method: http.MethodPatch, Pattern: "subscriptions/{id}", Scopes: anyToken, Roles: anyRole, Handle: patchSubscription},
			{Method: http.MethodDelete, Pattern: "subscriptions/{id}", Scopes: anyToken, Roles: anyRole, Handle: deleteSubscription},
		},
	})
}

// subscriptionRequest is the body of POST /subscriptions.
type subscriptionRequest struct {
	ChangeType                string `json:"changeType"`
	NotificationURL           string `json:"notificationUrl"`
	LifecycleNotificationURL  string `json:"lifecycleNotificationUrl"`
	Resource                  string `json:"resource"`
	ExpirationDateTime        string `json:"expirationDateTime"`
	ClientState               string `json:"clientState"`
	LatestSupportedTLSVersion string `json:"latestSupportedTlsVersion"`
	IncludeResourceData       bool   `json:"includeResourceData"`
}

func createSubscription(ctx context.Context, c *call) error {
	var req subscriptionRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	if err := checkChangeType(req.ChangeType); err != nil {
		return err
	}
	if len(req.ClientState) > 128 {
		return errInvalidRequest("clientState is limited to 128 characters.")
	}
	if req.IncludeResourceData {
		return errInvalidRequest("includeResourceData is not supported by the sandbox; subscribe without it.")
	}
	if err := checkLoopbackURL(req.NotificationURL); err != nil {
		return err
	}
	sub, watch, maxExp, err := c.s.resolveSubscription(ctx, c, req.Resource)
	if err != nil {
		return err
	}
	exp, err := checkExpiry(c.s.now(), req.ExpirationDateTime, maxExp)
	if err != nil {
		return err
	}
	if err := c.s.notify.validate(ctx, req.NotificationURL); err != nil {
		return err
	}
	id := uuid.NewString()
	doc := map[string]any{
		"resource":                  sub,
		"changeType":                req.ChangeType,
		"notificationUrl":           req.NotificationURL,
		"lifecycleNotificationUrl":  nilIfEmpty(req.LifecycleNotificationURL),
		"expirationDateTime":        exp.UTC().Format(time.RFC3339Nano),
		"clientState":               nilIfEmpty(req.ClientState),
		"applicationId":             c.claims.AppID,
		"creatorId":                 creatorID(c),
		"includeResourceData":       false,
		"latestSupportedTlsVersion": "v1_2",
		"encryptionCertificate":     nil,
		"encryptionCertificateId":   nil,
		"notificationQueryOptions":  nil,
	}
	watchDoc, err := toDoc(watch)
	if err != nil {
		return err
	}
	err = c.s.st.write(ctx, func(tx *txn) error {
		if err := tx.put(ctx, &object{Collection: collSubscriptions, ID: id, Data: doc}); err != nil {
			return err
		}
		return tx.put(ctx, &object{Collection: collSubWatches, ID: id, Data: watchDoc})
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusCreated, doc)
}

func creatorID(c *call) string {
	if c.claims.AppOnly {
		return c.claims.AppID
	}
	return c.claims.ObjectID
}

func checkChangeType(ct string) error {
	if ct == "" {
		return errInvalidRequest("changeType is required: created, updated, deleted or a comma-separated list of them.")
	}
	for _, t := range strings.Split(ct, ",") {
		if !slices.Contains([]string{"created", "updated", "deleted"}, strings.TrimSpace(t)) {
			return errInvalidRequest("changeType %q is not valid; use created, updated, deleted or a comma-separated list of them.", t)
		}
	}
	return nil
}

// checkLoopbackURL allows only http(s) URLs on a loopback host: the sandbox
// must never be a way to make requests to other machines.
func checkLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errInvalidRequest("notificationUrl %q must be an absolute http or https URL.", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return errInvalidRequest("notificationUrl %q is not on a loopback address; the sandbox only notifies 127.0.0.1, ::1 or localhost.", raw)
	}
	return nil
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func checkExpiry(now time.Time, raw string, max time.Duration) (time.Time, error) {
	exp, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return time.Time{}, errInvalidRequest("expirationDateTime %q must be an ISO 8601 date and time, e.g. 2026-01-05T09:00:00Z.", raw)
	}
	if !exp.After(now) {
		return time.Time{}, errInvalidRequest("expirationDateTime %s is in the past.", raw)
	}
	if exp.Sub(now) > max {
		return time.Time{}, errInvalidRequest("Subscription expiration can only be %d minutes in the future.", int(max/time.Minute))
	}
	return exp, nil
}

// resolveSubscription matches a subscription resource against the
// subscribable resources, checks the caller may read it, and returns the
// normalised resource, what to watch and the longest allowed lifetime.
func (s *Server) resolveSubscription(ctx context.Context, c *call, resource string) (string, subscriptionWatch, time.Duration, error) {
	var w subscriptionWatch
	res := strings.TrimPrefix(strings.TrimSpace(resource), "/")
	for _, r := range apiRoots {
		res = strings.TrimPrefix(res, r.Path+"/")
	}
	segs, err := splitPath(res)
	if err != nil || len(segs) == 0 {
		return "", w, 0, errInvalidRequest("resource %q is not a valid resource path.", resource)
	}
	sb, m := s.subscribableFor(segs)
	if sb == nil {
		return "", w, 0, errInvalidRequest("resource %q is not supported for change notifications.", resource)
	}
	get, _ := s.router.find(http.MethodGet, segs)
	if get == nil {
		return "", w, 0, errInvalidRequest("resource %q cannot be read, so it cannot be subscribed to.", resource)
	}
	sc := &call{w: c.w, r: c.r, s: s, root: c.root, route: get.route, params: m.params, claims: c.claims}
	if err := s.admit(ctx, sc, get.route, m.login); err != nil {
		return "", w, 0, err
	}
	scp, err := sb.Scope(ctx, sc)
	if err != nil {
		return "", w, 0, err
	}
	return res, subscriptionWatch{Scope: scp, ODataType: sb.ODataType}, sb.MaxExpiry, nil
}

// subscribableFor finds the subscribable resource matching segs, with the
// match of its pattern; nil when none does.
func (s *Server) subscribableFor(segs []string) (*subscribable, *match) {
	for _, a := range s.areas {
		for i := range a.Subscriptions {
			sb := &a.Subscriptions[i]
			if m, ok := matchRoute(&route{segs: strings.Split(sb.Pattern, "/")}, segs); ok {
				return sb, m
			}
		}
	}
	return nil, nil
}

// maxExpiry is the longest lifetime of a subscription to resource.
func (s *Server) maxExpiry(resource string) time.Duration {
	segs, err := splitPath(resource)
	if err != nil {
		return 0
	}
	if sb, _ := s.subscribableFor(segs); sb != nil {
		return sb.MaxExpiry
	}
	return 0
}

// visibleSubscription reports whether the caller's app created the
// subscription and it has not expired (Graph deletes expired ones).
func (s *Server) visibleSubscription(c *call, doc map[string]any) bool {
	exp, err := time.Parse(time.RFC3339Nano, fmt.Sprint(doc["expirationDateTime"]))
	return err == nil && exp.After(s.now()) && doc["applicationId"] == c.claims.AppID
}

// mySubscription loads a subscription the caller's app created.
func mySubscription(ctx context.Context, c *call) (*object, error) {
	var o *object
	err := c.s.st.read(ctx, func(tx *txn) error {
		var err error
		o, err = tx.get(ctx, collSubscriptions, "", c.param("id"))
		return err
	})
	if err == nil && !c.s.visibleSubscription(c, o.Data) {
		err = errNotFound
	}
	if isNotFound(err) {
		return nil, errorf(http.StatusNotFound, "ResourceNotFound", "The object was not found.")
	}
	return o, err
}

func listSubscriptions(ctx context.Context, c *call) error {
	return c.list(ctx, listSpec{Scope: scope{Collection: collSubscriptions}, DefaultTop: 100,
		Include: func(doc map[string]any) bool { return c.s.visibleSubscription(c, doc) }})
}

func getSubscription(ctx context.Context, c *call) error {
	o, err := mySubscription(ctx, c)
	if err != nil {
		return err
	}
	return c.entity(http.StatusOK, o.Data)
}

func patchSubscription(ctx context.Context, c *call) error {
	var req struct {
		ExpirationDateTime string `json:"expirationDateTime"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	o, err := mySubscription(ctx, c)
	if err != nil {
		return err
	}
	res, _ := o.Data["resource"].(string)
	max := c.s.maxExpiry(res)
	exp, err := checkExpiry(c.s.now(), req.ExpirationDateTime, max)
	if err != nil {
		return err
	}
	o.Data["expirationDateTime"] = exp.UTC().Format(time.RFC3339Nano)
	if err := c.s.st.write(ctx, func(tx *txn) error { return tx.put(ctx, o) }); err != nil {
		return err
	}
	return c.entity(http.StatusOK, o.Data)
}

func deleteSubscription(ctx context.Context, c *call) error {
	if _, err := mySubscription(ctx, c); err != nil {
		return err
	}
	err := c.s.st.write(ctx, func(tx *txn) error {
		if err := tx.delete(ctx, collSubscriptions, "", c.param("id")); err != nil {
			return err
		}
		return tx.delete(ctx, collSubWatches, "", c.param("id"))
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

// notifier delivers change notifications in the background, in commit
// order, one POST per subscription per commit.
type notifier struct {
	s      *Server
	client *http.Client
	queue  chan []change
	done   chan struct{}
	mu     sync.Mutex // guards closed and sends on queue
	closed bool
}

func newNotifier(s *Server) *notifier {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		// Checked again at dial time: a name could resolve elsewhere.
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if ta, ok := conn.RemoteAddr().(*net.TCPAddr); !ok || !ta.IP.IsLoopback() {
				conn.Close()
				return nil, fmt.Errorf("sandbox: notification address %s is not loopback", conn.RemoteAddr())
			}
			return conn, nil
		},
		// Receivers are loopback-only test endpoints (often httptest TLS
		// servers with their own throwaway certificate), so the dial check
		// above, not the certificate, is what pins the peer.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, //nolint:gosec // loopback only
	}
	n := &notifier{s: s, client: &http.Client{Transport: tr, Timeout: notifyTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		queue: make(chan []change, 256), done: make(chan struct{})}
	go n.run()
	return n
}

// enqueue is the store's onCommit hook; it never blocks the writer.
func (n *notifier) enqueue(chs []change) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return
	}
	select {
	case n.queue <- chs:
	default:
		n.s.log.Warn("sandbox: change notification queue full; dropping a batch", "changes", len(chs))
	}
}

func (n *notifier) close() {
	n.mu.Lock()
	if !n.closed {
		n.closed = true
		close(n.queue)
	}
	n.mu.Unlock()
	<-n.done
}

func (n *notifier) run() {
	defer close(n.done)
	for chs := range n.queue {
		n.deliver(chs)
	}
}

// validate runs the validation handshake against a notification URL.
func (n *notifier) validate(ctx context.Context, notificationURL string) error {
	token := "Validation: Testing client application reachability for subscription Request-Id: " + uuid.NewString()
	u, _ := url.Parse(notificationURL)
	q := u.Query()
	q.Set("validationToken", token)
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, validationTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return errInvalidRequest("Subscription validation request failed: %v.", err)
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := n.client.Do(req)
	if err != nil {
		return errInvalidRequest("Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.")
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK || string(body) != token {
		return errInvalidRequest("Subscription validation request failed. Response must exactly match validationToken query parameter.")
	}
	return nil
}

type notification struct {
	SubscriptionID                 string         `json:"subscriptionId"`
	SubscriptionExpirationDateTime string         `json:"subscriptionExpirationDateTime"`
	ClientState                    any            `json:"clientState"`
	ChangeType                     string         `json:"changeType"`
	Resource                       string         `json:"resource"`
	TenantID                       string         `json:"tenantId"`
	ResourceData                   map[string]any `json:"resourceData"`
}

// deliver posts the notifications one commit causes.
func (n *notifier) deliver(chs []change) {
	ctx := context.Background()
	var subs, watches []*object
	err := n.s.st.read(ctx, func(tx *txn) error {
		var err error
		if subs, err = tx.list(ctx, scope{Collection: collSubscriptions}, false, 0, 0); err != nil || len(subs) == 0 {
			return err
		}
		watches, err = tx.list(ctx, scope{Collection: collSubWatches}, false, 0, 0)
		return err
	})
	if err != nil || len(subs) == 0 {
		if err != nil {
			n.s.log.Error("sandbox: load subscriptions", "err", err)
		}
		return
	}
	byID := map[string]subscriptionWatch{}
	for _, w := range watches {
		var sw subscriptionWatch
		if fromDoc(w.Data, &sw) == nil {
			byID[w.ID] = sw
		}
	}
	now := n.s.now()
	for _, sub := range subs {
		w, ok := byID[sub.ID]
		exp, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(sub.Data["expirationDateTime"]))
		if !ok || !exp.After(now) {
			continue
		}
		wanted := strings.Split(fmt.Sprint(sub.Data["changeType"]), ",")
		var batch []notification
		for _, ch := range chs {
			if ch.Collection != w.Scope.Collection || ch.Owner != w.Scope.Owner || (w.Scope.ByParent && ch.Parent != w.Scope.Parent) {
				continue
			}
			kind := "updated"
			switch {
			case ch.Kind != changeUpsert:
				kind = "deleted"
			case ch.Created:
				kind = "created"
			}
			if !slices.Contains(wanted, kind) {
				continue
			}
			res := w.Scope.Collection + "/" + ch.ID
			if ch.Owner != "" {
				res = "Users/" + ch.Owner + "/" + upperFirst(w.Scope.Collection) + "/" + ch.ID
			}
			batch = append(batch, notification{
				SubscriptionID: sub.ID, SubscriptionExpirationDateTime: fmt.Sprint(sub.Data["expirationDateTime"]),
				ClientState: sub.Data["clientState"], ChangeType: kind, Resource: res, TenantID: n.s.tenantID,
				ResourceData: map[string]any{"@odata.type": w.ODataType, "@odata.id": res, "id": ch.ID},
			})
		}
		if len(batch) > 0 {
			n.post(fmt.Sprint(sub.Data["notificationUrl"]), batch)
		}
	}
}

func (n *notifier) post(target string, batch []notification) {
	body, err := json.Marshal(map[string]any{"value": batch})
	if err != nil {
		return
	}
	resp, err := n.client.Post(target, "application/json", bytes.NewReader(body))
	if err != nil {
		n.s.log.Warn("sandbox: notification not delivered", "url", target, "err", err)
		return
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		n.s.log.Warn("sandbox: notification endpoint did not answer 202", "url", target, "status", resp.StatusCode)
	}
}
