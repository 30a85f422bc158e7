package auth_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/auth"
)

// A CLI signs in once with a device code; later runs refresh silently from the
// token file.
func ExampleNewDeviceCode() {
	ctx := context.Background()
	cred, err := auth.NewDeviceCode(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Scopes:   []string{"basic", "message_all"},
		Store:    auth.NewFileStore("o365_token.txt"),
	}, func(_ context.Context, m auth.DeviceCodeMessage) error {
		fmt.Fprintln(os.Stderr, m.Message)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	acct, err := o365.New(o365.WithTokenSource(cred))
	if err != nil {
		log.Fatal(err)
	}
	if !acct.IsAuthenticated(ctx) {
		if err := acct.Authenticate(ctx); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("signed in as", acct.Username())
}

// The loopback flow opens the browser and waits for it on 127.0.0.1.
func ExampleNewBrowser() {
	cred, err := auth.NewBrowser(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Tenant:   "organizations",
		Scopes:   []string{"calendar_all"},
	}, auth.BrowserOptions{Timeout: 2 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	if err := cred.Authenticate(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// The console flow of python-o365: print the URL, paste the redirected URL.
func ExampleNewAuthCode() {
	cred, err := auth.NewAuthCode(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Scopes:   []string{"message_all"},
	}, auth.AuthCodeOptions{ConsentHandler: auth.ConsoleConsent(os.Stdin, os.Stdout)})
	if err != nil {
		log.Fatal(err)
	}
	if err := cred.Authenticate(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// A web app splits the authorization code flow over two requests.
func ExampleCredential_AuthCodeURL() {
	cred, err := auth.NewAuthCode(auth.Config{ClientID: "00000000-0000-0000-0000-000000000000", Scopes: []string{"basic"}},
		auth.AuthCodeOptions{RedirectURL: "https://app.example/callback", ClientSecret: os.Getenv("O365_CLIENT_SECRET")})
	if err != nil {
		log.Fatal(err)
	}
	var pending *auth.AuthCodeFlow // keep it in the user's session
	http.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		flow, err := cred.AuthCodeURL(r.Context())
		if err != nil {
			http.Error(w, "sign-in unavailable", http.StatusInternalServerError)
			return
		}
		pending = flow
		http.Redirect(w, r, flow.URL, http.StatusFound)
	})
	http.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		if err := cred.Exchange(r.Context(), pending, r.URL.String()); err != nil {
			http.Error(w, "sign-in failed", http.StatusForbidden)
			return
		}
		fmt.Fprintln(w, "signed in as", cred.Username())
	})
}

// Client credentials act as the application: name the user, "me" is an error.
func ExampleNewClientSecret() {
	cred, err := auth.NewClientSecret(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Tenant:   "contoso.onmicrosoft.com",
	}, os.Getenv("O365_CLIENT_SECRET"))
	if err != nil {
		log.Fatal(err)
	}
	acct, err := o365.New(o365.WithTokenSource(cred), o365.WithResource("user:alice@contoso.com"))
	if err != nil {
		log.Fatal(err)
	}
	_ = acct
}

func ExampleNewClientCertificate() {
	// A .pfx/.p12 as Windows or `openssl pkcs12 -export` writes it; a PEM
	// file with the certificate and an unencrypted key works too.
	data, err := os.ReadFile("app-cert.pfx")
	if err != nil {
		log.Fatal(err)
	}
	certs, key, err := auth.ParseCertificate(data, os.Getenv("APP_CERT_PASSWORD"))
	if errors.Is(err, auth.ErrCertificatePassword) {
		log.Fatal("wrong certificate password: check APP_CERT_PASSWORD")
	}
	if err != nil {
		log.Fatal(err)
	}
	cred, err := auth.NewClientCertificate(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Tenant:   "contoso.onmicrosoft.com",
		Protocol: o365.GraphUSGovL4(), // login.microsoftonline.us + graph.microsoft.us
	}, certs, key)
	if err != nil {
		log.Fatal(err)
	}
	_ = cred
}

// A workload identity token (Kubernetes, GitHub Actions) as the assertion.
func ExampleNewClientAssertion() {
	cred, err := auth.NewClientAssertion(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Tenant:   "contoso.onmicrosoft.com",
	}, func(context.Context) (string, error) {
		b, err := os.ReadFile(os.Getenv("AZURE_FEDERATED_TOKEN_FILE"))
		return string(b), err
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = cred
}

// Discouraged; for test tenants without MFA.
func ExampleNewUsernamePassword() {
	cred, err := auth.NewUsernamePassword(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Tenant:   "contoso.onmicrosoft.com",
		Scopes:   []string{"basic"},
	}, "test-user@contoso.onmicrosoft.com", os.Getenv("O365_TEST_PASSWORD"))
	if err != nil {
		log.Fatal(err)
	}
	_ = cred
}

// A web API calls Graph as the user who called it.
func ExampleNewOnBehalfOf() {
	http.HandleFunc("/api/me", func(w http.ResponseWriter, r *http.Request) {
		incoming := r.Header.Get("Authorization")[len("Bearer "):]
		cred, err := auth.NewOnBehalfOf(auth.Config{
			ClientID: "00000000-0000-0000-0000-000000000000",
			Tenant:   "contoso.onmicrosoft.com",
			Scopes:   []string{"basic"},
		}, os.Getenv("O365_CLIENT_SECRET"), incoming)
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		acct, _ := o365.New(o365.WithTokenSource(cred))
		_ = acct
	})
}

// One token file shared with python-o365, encrypted at rest.
func ExampleFileStore() {
	store := &auth.FileStore{
		Path:    "o365_token.txt",
		Encrypt: func(b []byte) ([]byte, error) { return b, nil }, // plug a real cipher in
		Decrypt: func(b []byte) ([]byte, error) { return b, nil },
	}
	cred, err := auth.NewDeviceCode(auth.Config{ClientID: "00000000-0000-0000-0000-000000000000", Store: store}, nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := cred.Token(context.Background()); errors.Is(err, auth.ErrCorruptCache) {
		fmt.Println(err) // names the file and how to sign in again
	}
}

func ExampleMemoryStore() {
	cred, err := auth.NewDeviceCode(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Store:    &auth.MemoryStore{},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	_ = cred
}

// A CI job passes the cache in O365TOKEN.
func ExampleEnvStore() {
	cred, err := auth.NewDeviceCode(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Store:    auth.EnvStore{}, // O365TOKEN
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	_ = cred
}

func ExampleKeyringStore() {
	cred, err := auth.NewBrowser(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Store:    &auth.KeyringStore{Service: "my-tool"},
	}, auth.BrowserOptions{})
	if err != nil {
		log.Fatal(err)
	}
	_ = cred
}

// sqlStore keeps the cache in a database row: a custom Store is two methods.
type sqlStore struct {
	db *sql.DB
	id string
}

func (s sqlStore) Load(ctx context.Context) ([]byte, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM token_cache WHERE id = ?`, s.id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return data, err
}

func (s sqlStore) Save(ctx context.Context, data []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO token_cache (id, data) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data`, s.id, data)
	return err
}

func ExampleStore() {
	var db *sql.DB // opened elsewhere
	cred, err := auth.NewDeviceCode(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Store:    sqlStore{db: db, id: "tool"},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	_ = cred
}

// Several users in one store: list, pick, sign one out.
func ExampleCredential_SetUsername() {
	ctx := context.Background()
	cred, err := auth.NewDeviceCode(auth.Config{
		ClientID: "00000000-0000-0000-0000-000000000000",
		Store:    auth.NewFileStore("o365_token.txt"),
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	users, err := cred.Usernames(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(users)
	cred.SetUsername("bob@contoso.com")
	if err := cred.SignOut(ctx, "alice@contoso.com"); err != nil {
		log.Fatal(err)
	}
}
