package identity

import (
	"html/template"
	"net/http"
)

// pages are the few HTML screens a person sees: sign-in, device approval,
// sign-out, errors, and the form_post relay.
var pages = template.Must(template.New("").Parse(`
{{define "head"}}<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{.Title}} - o365 sandbox</title>
<style>body{font-family:sans-serif;max-width:28em;margin:3em auto}label{display:block;margin:.6em 0}input{width:100%}.err{color:#a00}</style></head><body>
<h1>{{.Title}}</h1>{{if .Error}}<p class="err" role="alert">{{.Error}}</p>{{end}}{{end}}
{{define "signin"}}{{template "head" .}}<p>Sign in to the sandbox tenant to continue to <b>{{.App}}</b>.</p>
<form method="post" action="{{.Action}}">
<label>Username <input name="username" autocomplete="username" value="{{.Login}}" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form></body></html>{{end}}
{{define "device"}}{{template "head" .}}{{if .Done}}<p>{{.Done}}</p>{{else}}<p>Enter the code shown on your device{{if .Login}}; it will be approved as <b>{{.Login}}</b> unless you sign in as someone else{{end}}.</p>
<form method="post" action="{{.Action}}">
<label>Code <input name="user_code" value="{{.Code}}" autocomplete="off" required></label>
<label>Username <input name="username" autocomplete="username"{{if not .Login}} required{{end}}></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit" name="action" value="approve">Approve</button> <button type="submit" name="action" value="decline">Decline</button></form>{{end}}</body></html>{{end}}
{{define "message"}}{{template "head" .}}<p>{{.Message}}</p></body></html>{{end}}
{{define "formpost"}}<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="{{.Target}}">{{range $k, $v := .Fields}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
<noscript><button type="submit">Continue</button></noscript></form></body></html>{{end}}
`))

// page is the data of every template; each uses the fields it needs.
type page struct {
	Title, Error, Message, Done string
	App, Action, Login, Code    string
	Fields                      map[string]string
	// Target is a redirect URI registered on the app; custom schemes
	// (myapp://auth) must survive html/template's URL filter.
	Target template.URL
}

func renderPage(w http.ResponseWriter, status int, name string, data page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action *")
	w.WriteHeader(status)
	// The templates are fixed and their data are strings: execution cannot fail
	// except on a broken connection, which there is no one left to tell.
	_ = pages.ExecuteTemplate(w, name, data)
}
