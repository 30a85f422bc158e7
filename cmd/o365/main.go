// Command o365 works with Microsoft 365 through Microsoft Graph from a shell,
// or with the embedded sandbox (o365 --sandbox whoami). See internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/o365go/o365/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.NewApp().Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
