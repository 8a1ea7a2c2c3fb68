package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/app"
)

func usersCommand() *cobra.Command {
	users := &cobra.Command{Use: "users", Short: "Manage users"}
	var email, role string
	grant := &cobra.Command{
		Use:   "grant-role --email E --role admin|auditor",
		Short: "Give a registered user a role",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, func(ctx context.Context, a *app.App) error {
				u, err := a.Commands.UserByEmail(ctx, email)
				if err != nil {
					return fmt.Errorf("%s: %w", email, err)
				}
				if _, err := a.Commands.GrantRole(ctx, u.ID, role, commands.Request{CorrelationID: "cli"}); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s (%s) now has the role %s\n", u.Email, u.ID, role)
				return nil
			})
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
			return withApp(cmd, func(ctx context.Context, a *app.App) error {
				n, err := a.Seed(ctx)
				if err == nil {
					fmt.Fprintf(cmd.OutOrStdout(), "published %d demo premieres\n", n)
				}
				return err
			})
		},
	}
}
