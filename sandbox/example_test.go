package sandbox_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/o365go/o365/sandbox"
)

// Start a seeded in-memory sandbox, get an app-only token from its identity
// endpoints and read a user through Graph.
func Example() {
	srv, err := sandbox.New(sandbox.Options{Seed: "demo"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	if err := srv.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}

	resp, err := http.PostForm(srv.AuthorityURL("")+"/oauth2/v2.0/token", url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {sandbox.DemoDaemonClientID},
		"client_secret": {sandbox.DemoDaemonSecret},
		"scope":         {"https://graph.microsoft.com/.default"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := strings.Split(strings.Split(string(body), `"access_token":"`)[1], `"`)[0]

	req, _ := http.NewRequest("GET", srv.GraphURL()+"users/"+sandbox.DemoBob+"?$select=displayName", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output: 200
}

// Faults can be injected at run time, and forced per request with the
// X-Sandbox-Fault header.
func ExampleServer_SetFaults() {
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	fmt.Println(srv.SetFaults("429=5%,503=1%,reset=1%,latency=20ms..200ms,seed=42"))
	fmt.Println(srv.SetFaults("429=5"))
	// Output:
	// <nil>
	// sandbox: fault spec part "429=5": rate must be a percentage from 0% to 100%, e.g. 5%
}
