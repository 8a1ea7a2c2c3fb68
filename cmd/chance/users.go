package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/app"
)

func usersCommand() *cobra.Command {
	users := &cobra.Command{Use: "users", Short: "Manage users"}
	var email, role string
	grant := &cobra.Command{
		Use:   "grant-role --email E --role admin|auditor",
		Short: "Give a registered user a role",
		Long: `Gives a registered user the role admin (manages the catalogue) or auditor (reads
every account's billing history); customer is everyone's. A token carries the roles
its user had at sign-in, so the role takes effect at the user's next sign-in
(POST /api/v1/login); a token signed before keeps working without it until it
expires. Beside a running 'chance serve' on the same data folder, the server grants it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return operate(cmd, func(ctx context.Context, a *app.App) error {
				done, err := a.GrantRole(ctx, email, role)
				if err == nil {
					fmt.Fprintln(cmd.OutOrStdout(), done)
				}
				return err
			}, &remoteCall{path: "/users/grant-role", body: map[string]string{"email": email, "role": role}})
		},
	}
	grant.Flags().StringVar(&email, "email", "", "the user's email")
	grant.Flags().StringVar(&role, "role", "", "admin or auditor")
	_ = grant.MarkFlagRequired("email")
	_ = grant.MarkFlagRequired("role")
	users.AddCommand(grant)
	return users
}

func seedCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "seed",
		Short: "Publish the demo catalogue (premieres already published are left as they are)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return operate(cmd, func(ctx context.Context, a *app.App) error {
				n, err := a.Seed(ctx)
				if err == nil {
					fmt.Fprintf(cmd.OutOrStdout(), "published %d demo premieres\n", n)
				}
				return err
			}, &remoteCall{path: "/seed"})
		},
	}
}
