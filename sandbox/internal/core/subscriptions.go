package core

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

	"github.com/o365go/o365/sandbox/internal/schema"
)

const (
	typeSubscription  = "subscription"
	collSubscriptions = "subscriptions"
	collSubWatches    = "sandbox.subscriptionWatches" // what each subscription watches
	validationTimeout = 10 * time.Second
	notifyTimeout     = 30 * time.Second
)

// Subscribable is a resource clients may subscribe to for change
// notifications, e.g. "{user}/messages" or
// "{user}/mailFolders/{folder}/messages". Creating a subscription also needs
// the permissions of the GET route of the same resource; every committed
// change in its Scope then notifies the subscribers.
type Subscribable struct {
	// Pattern is a route pattern (see Route.Pattern) of the resource.
	Pattern string
	// MaxExpiry is the longest lifetime Graph allows for the resource.
	MaxExpiry time.Duration
	// ODataType is the resourceData @odata.type, e.g. "#Microsoft.Graph.Message".
	ODataType string
	// Scope is the part of the change log the resource covers; Call.User and
	// Call.Param are resolved from the resource path.
	Scope func(ctx context.Context, c *Call) (Scope, error)
}

// subscriptionWatch is stored next to each subscription.
type subscriptionWatch struct {
	Scope     Scope  `json:"scope"`
	ODataType string `json:"odataType"`
	// Immutable: the subscription was created with Prefer:
	// IdType="ImmutableId", so Outlook items are named by immutable ids.
	Immutable bool `json:"immutable,omitempty"`
}

// builtinArea is what the core serves itself: /subscriptions, the upload
// URLs of attachment sessions and translateExchangeIds.
func builtinArea(areas []Area) Area {
	// The real check is the GET route of the subscribed resource; the gate
	// only keeps out tokens without any permission the areas know.
	var anyScope, anyRole []string
	for _, a := range areas {
		for _, r := range a.Routes {
			anyScope = appendNew(anyScope, r.Scopes...)
			anyRole = appendNew(anyRole, r.Roles...)
		}
	}
	gate := Route{Scopes: anyScope, Roles: anyRole}
	routes := []Route{
		gate.On(http.MethodPost, "subscriptions", createSubscription),
		gate.On(http.MethodGet, "subscriptions", listSubscriptions),
		gate.On(http.MethodGet, "subscriptions/{id}", getSubscription),
		gate.On(http.MethodPatch, "subscriptions/{id}", patchSubscription),
		gate.On(http.MethodDelete, "subscriptions/{id}", deleteSubscription),
		gate.On(http.MethodPost, "subscriptions/{id}/reauthorize", reauthorizeSubscription),
		Route{Scopes: []string{"User.ReadBasic.All", "User.Read", "User.ReadWrite", "User.Read.All", "User.ReadWrite.All"},
			SharedScopes: []string{"User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All"},
			Roles:        []string{"User.Read.All", "User.ReadWrite.All"}}.On(http.MethodPost, "{user}/translateExchangeIds", translateIDs),
	}
	return Area{Name: "core", Routes: append(routes, attachmentSessionRoutes()...)}
}

// appendNew appends the values list does not hold yet.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
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

func createSubscription(ctx context.Context, c *Call) error {
	var req subscriptionRequest
	if err := c.Decode(&req); err != nil {
		return err
	}
	if err := checkChangeType(req.ChangeType); err != nil {
		return err
	}
	if len(req.ClientState) > 128 {
		return InvalidRequest("clientState is limited to 128 characters.")
	}
	if req.IncludeResourceData {
		return InvalidRequest("includeResourceData is not supported by the sandbox; subscribe without it.")
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
		"lifecycleNotificationUrl":  NilIfEmpty(req.LifecycleNotificationURL),
		"expirationDateTime":        exp.UTC().Format(time.RFC3339Nano),
		"clientState":               NilIfEmpty(req.ClientState),
		"applicationId":             c.Claims.AppID,
		"creatorId":                 creatorID(c),
		"includeResourceData":       false,
		"latestSupportedTlsVersion": "v1_2",
		"encryptionCertificate":     nil,
		"encryptionCertificateId":   nil,
		"notificationQueryOptions":  nil,
	}
	watchDoc, err := ToDoc(watch)
	if err != nil {
		return err
	}
	err = c.s.st.Write(ctx, func(tx *Tx) error {
		if err := tx.Put(ctx, &Object{Collection: collSubscriptions, ID: id, Data: doc}); err != nil {
			return err
		}
		return tx.Put(ctx, &Object{Collection: collSubWatches, ID: id, Data: watchDoc})
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeSubscription, doc)
}

func creatorID(c *Call) string {
	if c.Claims.AppOnly {
		return c.Claims.AppID
	}
	return c.Claims.ObjectID
}

func checkChangeType(ct string) error {
	if ct == "" {
		return InvalidRequest("changeType is required: created, updated, deleted or a comma-separated list of them.")
	}
	for _, t := range strings.Split(ct, ",") {
		if !slices.Contains([]string{"created", "updated", "deleted"}, strings.TrimSpace(t)) {
			return InvalidRequest("changeType %q is not valid; use created, updated, deleted or a comma-separated list of them.", t)
		}
	}
	return nil
}

// checkLoopbackURL allows only http(s) URLs on a loopback host: the sandbox
// must never be a way to make requests to other machines.
func checkLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return InvalidRequest("notificationUrl %q must be an absolute http or https URL.", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return InvalidRequest("notificationUrl %q is not on a loopback address; the sandbox only notifies 127.0.0.1, ::1 or localhost.", raw)
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
		return time.Time{}, InvalidRequest("expirationDateTime %q must be an ISO 8601 date and time, e.g. 2026-01-05T09:00:00Z.", raw)
	}
	if !exp.After(now) {
		return time.Time{}, InvalidRequest("expirationDateTime %s is in the past.", raw)
	}
	if exp.Sub(now) > max {
		return time.Time{}, InvalidRequest("Subscription expiration can only be %d minutes in the future.", int(max/time.Minute))
	}
	return exp, nil
}

// resolveSubscription matches a subscription resource against the
// Subscribable resources, checks the caller may read it, and returns the
// normalised resource, what to watch and the longest allowed lifetime.
func (s *Engine) resolveSubscription(ctx context.Context, c *Call, resource string) (string, subscriptionWatch, time.Duration, error) {
	var w subscriptionWatch
	res := strings.TrimPrefix(strings.TrimSpace(resource), "/")
	for _, r := range apiRoots {
		res = strings.TrimPrefix(res, r.Path+"/")
	}
	segs, err := SplitPath(res)
	if err != nil || len(segs) == 0 {
		return "", w, 0, InvalidRequest("resource %q is not a valid resource path.", resource)
	}
	sb, m := s.subscribableFor(segs)
	if sb == nil {
		return "", w, 0, InvalidRequest("resource %q is not supported for change notifications.", resource)
	}
	get, _ := s.router.find(http.MethodGet, segs)
	if get == nil {
		return "", w, 0, InvalidRequest("resource %q cannot be read, so it cannot be subscribed to.", resource)
	}
	sc := &Call{W: c.W, R: c.R, s: s, root: c.root, route: get.route, params: m.params, Claims: c.Claims}
	if err := s.admit(ctx, sc, get.route, m.login); err != nil {
		return "", w, 0, err
	}
	scp, err := sb.Scope(ctx, sc)
	if err != nil {
		return "", w, 0, err
	}
	w = subscriptionWatch{Scope: scp, ODataType: sb.ODataType}
	if t := schema.Lookup(sb.ODataType); t != nil && t.OutlookItem {
		if v, ok := c.Preference("IdType"); ok && strings.EqualFold(v, "ImmutableId") {
			w.Immutable = true
			c.ApplyPreference(`IdType="ImmutableId"`)
		}
	}
	return res, w, sb.MaxExpiry, nil
}

// subscribableFor finds the Subscribable resource matching segs, with the
// match of its pattern; nil when none does.
func (s *Engine) subscribableFor(segs []string) (*Subscribable, *match) {
	for _, a := range s.areas {
		for i := range a.Subscriptions {
			sb := &a.Subscriptions[i]
			if m, ok := matchRoute(&Route{segs: strings.Split(sb.Pattern, "/")}, segs); ok {
				return sb, m
			}
		}
	}
	return nil, nil
}

// maxExpiry is the longest lifetime of a subscription to resource.
func (s *Engine) maxExpiry(resource string) time.Duration {
	segs, err := SplitPath(resource)
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
func (s *Engine) visibleSubscription(c *Call, doc map[string]any) bool {
	exp, err := time.Parse(time.RFC3339Nano, fmt.Sprint(doc["expirationDateTime"]))
	return err == nil && exp.After(s.now()) && doc["applicationId"] == c.Claims.AppID
}

// mySubscription loads a subscription the caller's app created.
func mySubscription(ctx context.Context, c *Call) (*Object, error) {
	var o *Object
	err := c.s.st.Read(ctx, func(tx *Tx) error {
		var err error
		o, err = tx.Get(ctx, collSubscriptions, "", c.Param("id"))
		return err
	})
	if err == nil && !c.s.visibleSubscription(c, o.Data) {
		err = ErrNotFound
	}
	if IsNotFound(err) {
		return nil, Errorf(http.StatusNotFound, "ResourceNotFound", "The object was not found.")
	}
	return o, err
}

func listSubscriptions(ctx context.Context, c *Call) error {
	return c.List(ctx, ListSpec{Scope: Scope{Collection: collSubscriptions}, Type: typeSubscription, DefaultTop: 100,
		Include: func(doc map[string]any) bool { return c.s.visibleSubscription(c, doc) }})
}

func getSubscription(ctx context.Context, c *Call) error {
	o, err := mySubscription(ctx, c)
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeSubscription, o.Data)
}

func patchSubscription(ctx context.Context, c *Call) error {
	var req struct {
		ExpirationDateTime string `json:"expirationDateTime"`
	}
	if err := c.Decode(&req); err != nil {
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
	if err := c.s.st.Write(ctx, func(tx *Tx) error { return tx.Put(ctx, o) }); err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeSubscription, o.Data)
}

// reauthorizeSubscription answers POST subscriptions/{id}/reauthorize,
// which a client sends after a reauthorizationRequired lifecycle event: the
// caller's access to the resource is checked again (403 when it lost it;
// the subscription then stays as it was) and the answer is 204. The
// expiry does not change: PATCH renews it.
func reauthorizeSubscription(ctx context.Context, c *Call) error {
	if _, err := c.DecodeAction(Action{Name: "reauthorize"}); err != nil {
		return err
	}
	o, err := mySubscription(ctx, c)
	if err != nil {
		return err
	}
	res, _ := o.Data["resource"].(string)
	if _, _, _, err := c.s.resolveSubscription(ctx, c, res); err != nil {
		return err
	}
	return c.NoContent()
}

func deleteSubscription(ctx context.Context, c *Call) error {
	if _, err := mySubscription(ctx, c); err != nil {
		return err
	}
	err := c.s.st.Write(ctx, func(tx *Tx) error {
		if err := tx.Delete(ctx, collSubscriptions, "", c.Param("id")); err != nil {
			return err
		}
		return tx.Delete(ctx, collSubWatches, "", c.Param("id"))
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// notifier delivers change notifications in the background, in commit
// order, one POST per subscription per commit.
type notifier struct {
	s      *Engine
	client *http.Client
	queue  chan []change
	done   chan struct{}
	mu     sync.Mutex // guards closed and sends on queue
	closed bool
}

func newNotifier(s *Engine) *notifier {
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
		return InvalidRequest("Subscription validation request failed: %v.", err)
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := n.client.Do(req)
	if err != nil {
		return InvalidRequest("Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.")
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK || string(body) != token {
		return InvalidRequest("Subscription validation request failed. Response must exactly match validationToken query parameter.")
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
	var subs, watches []*Object
	err := n.s.st.Read(ctx, func(tx *Tx) error {
		var err error
		if subs, err = tx.List(ctx, Scope{Collection: collSubscriptions}, false, 0, 0); err != nil || len(subs) == 0 {
			return err
		}
		watches, err = tx.List(ctx, Scope{Collection: collSubWatches}, false, 0, 0)
		return err
	})
	if err != nil || len(subs) == 0 {
		if err != nil {
			n.s.log.Error("sandbox: load subscriptions", "err", err)
		}
		return
	}
	byID := map[string]subscriptionWatch{}
	outlook := map[string]bool{}
	for _, w := range watches {
		var sw subscriptionWatch
		if FromDoc(w.Data, &sw) == nil {
			byID[w.ID] = sw
			t := schema.Lookup(sw.ODataType)
			outlook[w.ID] = t != nil && t.OutlookItem && !sw.Immutable
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
			id := ch.ID
			if outlook[sub.ID] {
				id = ItemRestID(ch.Parent, ch.ID) // as it is (or was) in that folder
			}
			res := w.Scope.Collection + "/" + id
			if ch.Owner != "" {
				res = "Users/" + ch.Owner + "/" + upperFirst(w.Scope.Collection) + "/" + id
			}
			batch = append(batch, notification{
				SubscriptionID: sub.ID, SubscriptionExpirationDateTime: fmt.Sprint(sub.Data["expirationDateTime"]),
				ClientState: sub.Data["clientState"], ChangeType: kind, Resource: res, TenantID: n.s.tenantID,
				ResourceData: map[string]any{"@odata.type": w.ODataType, "@odata.id": res, "id": id},
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
