// Package conversations is the sandbox's area for the conversations of
// Microsoft 365 groups: conversations, their threads and posts, starting
// a conversation or a thread, and replying to a thread or a post. Who may
// read and write is Exchange's rule, through core.AdmitGroup: the group's
// members and owners, everyone in the tenant for reading a public group,
// applications with Group.Read.All for reading.
//
// Storage: "conversations" objects (owner: the group), "conversationThreads"
// (parent: the conversation) and "posts" (parent: the thread), all owned by
// the group; a post's "_inReplyTo" is the post it answers.
package conversations

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

const (
	collConversations = "conversations"
	collThreads       = "conversationThreads"
	collPosts         = "posts"
	// Graph's types of the area's answers (see core.ListSpec.Type).
	typeConversation = "conversation"
	typeThread       = "conversationThread"
	typePost         = "post"
)

// actionReply is the reply action of threads and posts, as Graph's schema
// declares it (the area's test checks it): the parameter's name matches in
// any case.
var actionReply = core.Action{Name: "reply", Params: []core.ActionParam{{Name: "Post", Type: "microsoft.graph.post"}}}

// Permissions: Graph lets applications read conversations but only
// signed-in users post to them.
var (
	readPerm   = core.Route{Scopes: []string{"Group.Read.All", "Group.ReadWrite.All"}, Roles: []string{"Group.Read.All", "Group.ReadWrite.All"}}
	postPerm   = core.Route{Scopes: []string{"Group.ReadWrite.All"}}
	deletePerm = core.Route{Scopes: []string{"Group.ReadWrite.All"}, Roles: []string{"Group.ReadWrite.All"}}
)

// Area is the group conversations area, to serve with core.Config.Areas.
func Area() core.Area {
	read, post, del := readPerm.On, postPerm.On, deletePerm.On
	const g = "groups/{group}/"
	routes := []core.Route{
		read(http.MethodGet, g+"conversations", listConversations),
		post(http.MethodPost, g+"conversations", createConversation),
		read(http.MethodGet, g+"conversations/{conversation}", getConversation),
		del(http.MethodDelete, g+"conversations/{conversation}", deleteConversation),
		read(http.MethodGet, g+"conversations/{conversation}/threads", listThreads),
		post(http.MethodPost, g+"conversations/{conversation}/threads", createThread),
		read(http.MethodGet, g+"threads", listThreads),
		post(http.MethodPost, g+"threads", createThread),
	}
	for _, t := range []string{g + "threads/{thread}", g + "conversations/{conversation}/threads/{thread}"} {
		routes = append(routes,
			read(http.MethodGet, t, getThread),
			del(http.MethodDelete, t, deleteThread),
			post(http.MethodPost, t+"/reply", reply),
			read(http.MethodGet, t+"/posts", listPosts),
			read(http.MethodGet, t+"/posts/{post}", getPost),
			post(http.MethodPost, t+"/posts/{post}/reply", reply),
		)
	}
	return core.Area{Name: "conversations", Routes: routes, Seed: seedConversations}
}

// admit resolves the route's group for the caller: a Microsoft 365 group
// the caller may read (or write).
func admit(ctx context.Context, c *core.Call, write bool) (*core.Group, error) {
	g, err := c.AdmitGroup(ctx, c.Param("group"), write)
	if err != nil {
		return nil, err
	}
	if !g.Unified {
		return nil, core.ItemNotFound("The group %s has no mailbox: only Microsoft 365 groups have conversations.", g.ID)
	}
	return g, nil
}

func errNotFound(what string) *core.Error {
	return core.ItemNotFound("The specified %s was not found in the store.", what)
}

// threadIn loads the route's thread (in the route's conversation, when it
// names one).
func threadIn(ctx context.Context, c *core.Call, tx *core.Tx, group string) (*core.Object, error) {
	t, err := tx.Get(ctx, collThreads, group, c.Param("thread"))
	if core.IsNotFound(err) || err == nil && c.Param("conversation") != "" && t.Parent != c.Param("conversation") {
		return nil, errNotFound("thread")
	}
	return t, err
}

func listSpec(sc core.Scope, typ string, present func(*core.Call, map[string]any) map[string]any) core.ListSpec {
	return core.ListSpec{Scope: sc, Type: typ, Desc: true, DefaultTop: 10, MaxTop: 1000, Present: present,
		SearchFields: []string{"topic", "preview"}}
}

func presentDoc(_ *core.Call, doc map[string]any) map[string]any { return core.PublicDoc(doc) }

func listConversations(ctx context.Context, c *core.Call) error {
	g, err := admit(ctx, c, false)
	if err != nil {
		return err
	}
	return c.List(ctx, listSpec(core.Scope{Collection: collConversations, Owner: g.ID}, typeConversation, presentDoc))
}

func getConversation(ctx context.Context, c *core.Call) error {
	g, err := admit(ctx, c, false)
	if err != nil {
		return err
	}
	spec := listSpec(core.Scope{Collection: collConversations, Owner: g.ID}, typeConversation, presentDoc)
	spec.Expand = map[string]core.Expander{"threads": func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
		return expandAll(ctx, c, core.Scope{Collection: collThreads, Owner: g.ID, Parent: core.Str(doc, "id"), ByParent: true}, item)
	}}
	if err := c.GetEntity(ctx, spec, c.Param("conversation")); core.IsNotFound(err) {
		return errNotFound("conversation")
	} else {
		return err
	}
}

// expandAll serves an $expand of a conversation's threads or a thread's
// posts.
func expandAll(ctx context.Context, c *core.Call, sc core.Scope, item odata.ExpandItem) (any, error) {
	var objs []*core.Object
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		objs, err = tx.List(ctx, sc, false, 0, 0)
		return err
	})
	out := make([]any, 0, len(objs))
	for _, o := range objs {
		out = append(out, core.PublicDoc(o.Data))
	}
	out = core.FilterExpanded(item, out)
	if item.Options != nil && len(item.Options.Select) > 0 {
		for i, v := range out {
			out[i] = odata.Project(v.(map[string]any), item.Options.Select)
		}
	}
	return out, err
}

func listThreads(ctx context.Context, c *core.Call) error {
	g, err := admit(ctx, c, false)
	if err != nil {
		return err
	}
	sc := core.Scope{Collection: collThreads, Owner: g.ID}
	if conv := c.Param("conversation"); conv != "" {
		if err := c.Store().Read(ctx, func(tx *core.Tx) error {
			_, err := tx.Get(ctx, collConversations, g.ID, conv)
			return err
		}); core.IsNotFound(err) {
			return errNotFound("conversation")
		} else if err != nil {
			return err
		}
		sc.Parent, sc.ByParent = conv, true
	}
	return c.List(ctx, listSpec(sc, typeThread, presentDoc))
}

func getThread(ctx context.Context, c *core.Call) error {
	g, t, err := admitThread(ctx, c)
	if err != nil {
		return err
	}
	spec := listSpec(core.Scope{Collection: collThreads, Owner: g.ID}, typeThread, presentDoc)
	spec.Expand = map[string]core.Expander{"posts": func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
		return expandAll(ctx, c, postsOf(g.ID, t.ID), item)
	}}
	return c.GetEntity(ctx, spec, t.ID)
}

// admitThread admits the caller to the route's group (to read) and loads
// the route's thread.
func admitThread(ctx context.Context, c *core.Call) (*core.Group, *core.Object, error) {
	g, err := admit(ctx, c, false)
	if err != nil {
		return nil, nil, err
	}
	var t *core.Object
	err = c.Store().Read(ctx, func(tx *core.Tx) error {
		t, err = threadIn(ctx, c, tx, g.ID)
		return err
	})
	return g, t, err
}

func postsOf(group, thread string) core.Scope {
	return core.Scope{Collection: collPosts, Owner: group, Parent: thread, ByParent: true}
}

func listPosts(ctx context.Context, c *core.Call) error {
	g, t, err := admitThread(ctx, c)
	if err != nil {
		return err
	}
	spec := listSpec(postsOf(g.ID, t.ID), typePost, presentPost)
	spec.Desc = false
	spec.SearchFields = []string{"body/content", "from/emailAddress/name", "from/emailAddress/address"}
	spec.Expand = postExpanders(g.ID)
	return c.List(ctx, spec)
}

func getPost(ctx context.Context, c *core.Call) error {
	g, t, err := admitThread(ctx, c)
	if err != nil {
		return err
	}
	spec := listSpec(postsOf(g.ID, t.ID), typePost, presentPost)
	spec.Expand = postExpanders(g.ID)
	spec.Expand["inReplyTo"] = core.Expander(func(ctx context.Context, c *core.Call, doc map[string]any, _ odata.ExpandItem) (any, error) {
		var parent map[string]any
		err := c.Store().Read(ctx, func(tx *core.Tx) error {
			self, err := tx.Get(ctx, collPosts, g.ID, core.Str(doc, "id"))
			if err != nil {
				return err
			}
			o, err := tx.Get(ctx, collPosts, g.ID, core.Str(self.Data, "_inReplyTo"))
			if err == nil {
				parent = presentPost(c, o.Data)
			}
			if core.IsNotFound(err) {
				return nil
			}
			return err
		})
		return parent, err
	})
	if err := c.GetEntity(ctx, spec, c.Param("post")); core.IsNotFound(err) {
		return errNotFound("post")
	} else {
		return err
	}
}

// postExpanders serve $expand of a post's extended properties, read back
// from the stored post.
func postExpanders(group string) map[string]core.Expander {
	ext := func(name string) core.Expander {
		return func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
			var list []any
			err := c.Store().Read(ctx, func(tx *core.Tx) error {
				o, err := tx.Get(ctx, collPosts, group, core.Str(doc, "id"))
				if err == nil {
					list, _ = o.Data[name].([]any)
				}
				return err
			})
			if list == nil {
				list = []any{}
			}
			return core.FilterExpanded(item, list), err
		}
	}
	return map[string]core.Expander{
		"singleValueExtendedProperties": ext("singleValueExtendedProperties"),
		"multiValueExtendedProperties":  ext("multiValueExtendedProperties"),
	}
}

// presentPost is what a client sees of a post; the post it answers is
// reached through $expand=inReplyTo.
func presentPost(c *core.Call, doc map[string]any) map[string]any {
	out := core.PublicDoc(doc)
	delete(out, "singleValueExtendedProperties")
	delete(out, "multiValueExtendedProperties")
	if v, ok := c.Preference("outlook.body-content-type"); ok {
		if want := strings.ToLower(v); want == "text" || want == "html" {
			c.ApplyPreference(`outlook.body-content-type="` + want + `"`)
			out = core.WithBodyType(out, "body", want)
		}
	}
	return out
}

// poster is who posts: the signed-in user.
type poster struct {
	from map[string]any // as a recipient
	name string
}

func posterOf(u *core.User) poster {
	return poster{from: map[string]any{"emailAddress": map[string]any{"name": u.DisplayName, "address": u.Mail}}, name: u.DisplayName}
}

// caller is the signed-in user of the request, as the poster.
func caller(ctx context.Context, c *core.Call, tx *core.Tx) (poster, error) {
	u, err := core.LookupUser(ctx, tx, c.Claims.ObjectID)
	if err != nil {
		return poster{}, err
	}
	return posterOf(u), nil
}

// checkPost validates a post a client sends: a body of text or html, and
// recipients for newParticipants.
func checkPost(v any) (map[string]any, error) {
	p, ok := v.(map[string]any)
	if !ok {
		return nil, core.BadRequest("A post must be an object with a body.")
	}
	b, ok := p["body"].(map[string]any)
	content, isStr := b["content"].(string)
	ct := strings.ToLower(core.Str(b, "contentType"))
	if !ok || !isStr || (ct != "" && ct != "text" && ct != "html") {
		return nil, core.BadRequest("A post needs a body with a content string and contentType text or html.")
	}
	if ct == "" {
		ct = "text"
	}
	parts, _ := p["newParticipants"].([]any)
	for _, r := range parts {
		m, _ := r.(map[string]any)
		e, _ := m["emailAddress"].(map[string]any)
		if !strings.Contains(core.Str(e, "address"), "@") {
			return nil, core.BadRequest("newParticipants must be recipients with an emailAddress.address.")
		}
	}
	if parts == nil {
		parts = []any{}
	}
	out := map[string]any{"body": map[string]any{"contentType": ct, "content": content}, "newParticipants": parts}
	// Extended properties (a client's id for exactly-once posting) are kept
	// with the post, served through $expand and $filter.
	for _, k := range []string{"singleValueExtendedProperties", "multiValueExtendedProperties"} {
		v, ok := p[k]
		if !ok || v == nil {
			continue
		}
		list, isList := v.([]any)
		for _, e := range list {
			if m, isObj := e.(map[string]any); !isObj || core.Str(m, "id") == "" {
				isList = false
			}
		}
		if !isList {
			return nil, core.BadRequest("%s must be an array of {id, value}.", k)
		}
		out[k] = list
	}
	return out, nil
}

// preview is the first 255 characters of a body as text.
func preview(body map[string]any) string {
	s := core.Str(body, "content")
	if strings.EqualFold(core.Str(body, "contentType"), "html") {
		s = core.HTMLToText(s)
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 255 {
		s = string(r[:255])
	}
	return s
}

// writer writes one request's (or the seed's) conversations, threads and
// posts of a group.
type writer struct {
	tx    *core.Tx
	group string
	by    poster
	now   time.Time
	ids   idSource
}

// idSource makes the ids and change keys of what a writer stores, in
// Exchange's forms: random ones for requests, named ones for the seed.
type idSource interface {
	conversation() string // conversations and threads: Exchange's conversation ids
	post() string         // an Outlook item's immutable id
	changeKey() string
}

// randomIDs are the ids of a request's writes.
type randomIDs struct {
	group string
	now   time.Time
}

func (r randomIDs) conversation() string {
	return core.ConversationID(r.group, core.NewConversationIndex(r.now))
}
func (r randomIDs) post() string      { return core.NewItemID(r.group) }
func (r randomIDs) changeKey() string { return core.NewChangeKey() }

func newWriter(ctx context.Context, c *core.Call, tx *core.Tx, group string) (*writer, error) {
	by, err := caller(ctx, c, tx)
	if err != nil {
		return nil, err
	}
	return &writer{tx: tx, group: group, by: by, now: c.Now(), ids: randomIDs{group: group, now: c.Now()}}, nil
}

// post stores a post in a thread and brings the thread and its
// conversation up to date (last delivery, preview, senders).
func (w *writer) post(ctx context.Context, thread *core.Object, in map[string]any, inReplyTo string) error {
	at := core.ISOTime(w.now)
	doc := map[string]any{
		"createdDateTime": at, "lastModifiedDateTime": at, "changeKey": w.ids.changeKey(), "categories": []any{},
		"receivedDateTime": at, "hasAttachments": false, "body": in["body"], "newParticipants": in["newParticipants"],
		"from": w.by.from, "sender": w.by.from, "conversationId": thread.Parent, "conversationThreadId": thread.ID,
	}
	if inReplyTo != "" {
		doc["_inReplyTo"] = inReplyTo
	}
	for _, k := range []string{"singleValueExtendedProperties", "multiValueExtendedProperties"} {
		if v, ok := in[k]; ok {
			doc[k] = v
		}
	}
	if err := w.tx.Put(ctx, &core.Object{Collection: collPosts, Owner: w.group, ID: w.ids.post(), Parent: thread.ID,
		Data: doc, Created: w.now, Sort: core.SortKey(w.now)}); err != nil {
		return err
	}
	conv, err := w.tx.Get(ctx, collConversations, w.group, thread.Parent)
	if err != nil {
		return err
	}
	for _, o := range []*core.Object{thread, conv} {
		o.Data["lastDeliveredDateTime"] = at
		o.Data["preview"] = preview(in["body"].(map[string]any))
		senders, _ := o.Data["uniqueSenders"].([]any)
		if !containsString(senders, w.by.name) {
			o.Data["uniqueSenders"] = append(senders, w.by.name)
		}
		o.Sort = core.SortKey(w.now)
		if err := w.tx.Put(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

func containsString(list []any, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// thread stores a thread with its first posts in a conversation: in is
// {"topic", "posts": [{"body"}]}; the topic defaults to the conversation's.
func (w *writer) thread(ctx context.Context, conv string, in map[string]any) (*core.Object, error) {
	topic, _ := core.LookupFold(in, "topic")
	posts, _ := core.LookupFold(in, "posts")
	list, _ := posts.([]any)
	if len(list) == 0 {
		return nil, core.BadRequest("A new thread needs posts: [{\"body\": {...}}].")
	}
	var checked []map[string]any
	for _, p := range list {
		cp, err := checkPost(p)
		if err != nil {
			return nil, err
		}
		checked = append(checked, cp)
	}
	s, _ := topic.(string)
	if strings.TrimSpace(s) == "" {
		o, err := w.tx.Get(ctx, collConversations, w.group, conv)
		if err != nil {
			return nil, err
		}
		s = core.Str(o.Data, "topic")
	}
	t := &core.Object{Collection: collThreads, Owner: w.group, ID: w.ids.conversation(), Parent: conv, Created: w.now, Sort: core.SortKey(w.now),
		Data: map[string]any{"topic": s, "toRecipients": []any{}, "ccRecipients": []any{}, "hasAttachments": false,
			"isLocked": false, "lastDeliveredDateTime": core.ISOTime(w.now), "preview": "", "uniqueSenders": []any{}}}
	if err := w.tx.Put(ctx, t); err != nil {
		return nil, err
	}
	for _, p := range checked {
		if err := w.post(ctx, t, p, ""); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// conversation stores an empty conversation on a topic.
func (w *writer) conversation(ctx context.Context, topic string) (*core.Object, error) {
	if strings.TrimSpace(topic) == "" {
		return nil, core.BadRequest("A new conversation needs a topic.")
	}
	o := &core.Object{Collection: collConversations, Owner: w.group, ID: w.ids.conversation(), Created: w.now, Sort: core.SortKey(w.now),
		Data: map[string]any{"topic": topic, "hasAttachments": false, "lastDeliveredDateTime": core.ISOTime(w.now),
			"uniqueSenders": []any{}, "preview": ""}}
	return o, w.tx.Put(ctx, o)
}

// createConversation starts a conversation with its threads:
// {"topic", "threads": [{"posts": [{"body"}]}]}.
func createConversation(ctx context.Context, c *core.Call) error {
	g, err := admit(ctx, c, true)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	topic, _ := core.LookupFold(in, "topic")
	s, _ := topic.(string)
	threads, _ := core.LookupFold(in, "threads")
	list, _ := threads.([]any)
	if len(list) == 0 {
		return core.BadRequest("A new conversation needs threads: [{\"posts\": [{\"body\": {...}}]}].")
	}
	var conv *core.Object
	var made []any
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		w, err := newWriter(ctx, c, tx, g.ID)
		if err != nil {
			return err
		}
		if conv, err = w.conversation(ctx, s); err != nil {
			return err
		}
		for _, t := range list {
			tm, _ := t.(map[string]any)
			th, err := w.thread(ctx, conv.ID, tm)
			if err != nil {
				return err
			}
			made = append(made, map[string]any{"id": th.ID})
		}
		conv, err = tx.Get(ctx, collConversations, g.ID, conv.ID)
		return err
	})
	if err != nil {
		return err
	}
	// Graph answers with the conversation and its new threads' ids.
	out, err := c.Shape(typeConversation, core.PublicDoc(conv.Data))
	if err != nil {
		return err
	}
	out["threads"] = made
	return c.Entity(http.StatusCreated, out)
}

// createThread starts a thread: in the route's conversation, or in a new
// conversation on the thread's topic.
func createThread(ctx context.Context, c *core.Call) error {
	g, err := admit(ctx, c, true)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	var t *core.Object
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		w, err := newWriter(ctx, c, tx, g.ID)
		if err != nil {
			return err
		}
		conv := c.Param("conversation")
		if conv == "" {
			topic, _ := core.LookupFold(in, "topic")
			s, _ := topic.(string)
			o, err := w.conversation(ctx, s)
			if err != nil {
				return err
			}
			conv = o.ID
		} else if _, err := tx.Get(ctx, collConversations, g.ID, conv); core.IsNotFound(err) {
			return errNotFound("conversation")
		} else if err != nil {
			return err
		}
		t, err = w.thread(ctx, conv, in)
		return err
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeThread, core.PublicDoc(t.Data))
}

// reply adds a post to a thread: {"post": {"body"}}. A reply to the thread
// answers its last post; a reply to a post answers that one. 202, no body.
func reply(ctx context.Context, c *core.Call) error {
	g, err := admit(ctx, c, true)
	if err != nil {
		return err
	}
	args, err := c.DecodeAction(actionReply)
	if err != nil {
		return err
	}
	if !args.Has("Post") {
		return core.BadRequest("The reply needs a post: {\"post\": {\"body\": {...}}}.")
	}
	p, err := checkPost(args.Object("Post"))
	if err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		t, err := threadIn(ctx, c, tx, g.ID)
		if err != nil {
			return err
		}
		if locked, _ := t.Data["isLocked"].(bool); locked {
			return core.AccessDenied()
		}
		to := c.Param("post")
		if to != "" {
			p, err := tx.GetItem(ctx, postsOf(g.ID, t.ID), to)
			if core.IsNotFound(err) {
				return errNotFound("post")
			} else if err != nil {
				return err
			}
			to = p.ID
		} else {
			last, err := tx.List(ctx, postsOf(g.ID, t.ID), true, 0, 1)
			if err != nil {
				return err
			}
			if len(last) > 0 {
				to = last[0].ID
			}
		}
		w, err := newWriter(ctx, c, tx, g.ID)
		if err != nil {
			return err
		}
		return w.post(ctx, t, p, to)
	})
	if err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusAccepted)
	return nil
}

func deleteConversation(ctx context.Context, c *core.Call) error {
	g, err := admit(ctx, c, true)
	if err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		if _, err := tx.Get(ctx, collConversations, g.ID, c.Param("conversation")); core.IsNotFound(err) {
			return errNotFound("conversation")
		} else if err != nil {
			return err
		}
		threads, err := tx.List(ctx, core.Scope{Collection: collThreads, Owner: g.ID, Parent: c.Param("conversation"), ByParent: true}, false, 0, 0)
		if err != nil {
			return err
		}
		for _, t := range threads {
			if err := deleteThreadTx(ctx, tx, g.ID, t.ID); err != nil {
				return err
			}
		}
		return tx.Delete(ctx, collConversations, g.ID, c.Param("conversation"))
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

func deleteThreadTx(ctx context.Context, tx *core.Tx, group, thread string) error {
	posts, err := tx.List(ctx, postsOf(group, thread), false, 0, 0)
	if err != nil {
		return err
	}
	for _, p := range posts {
		if err := tx.Delete(ctx, collPosts, group, p.ID); err != nil {
			return err
		}
	}
	return tx.Delete(ctx, collThreads, group, thread)
}

// deleteThread deletes a thread, and its conversation when it was the last.
func deleteThread(ctx context.Context, c *core.Call) error {
	g, err := admit(ctx, c, true)
	if err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		t, err := threadIn(ctx, c, tx, g.ID)
		if err != nil {
			return err
		}
		if err := deleteThreadTx(ctx, tx, g.ID, t.ID); err != nil {
			return err
		}
		n, err := tx.Count(ctx, core.Scope{Collection: collThreads, Owner: g.ID, Parent: t.Parent, ByParent: true})
		if err != nil || n > 0 {
			return err
		}
		return tx.Delete(ctx, collConversations, g.ID, t.Parent)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}
