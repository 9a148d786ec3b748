using System.CommandLine;
using LeakWatch.Service.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Accounts;

/// <summary><c>leakwatch users add|list|disable|reset</c>: the console's people, managed from the server's shell.</summary>
internal static class UsersVerb
{
    public static Command Create(VerbHost verbHost)
    {
        var users = new Command("users", "The review console's accounts: one per person, never shared.");

        var name = new Argument<string>("NAME") { Description = "The person's user name (letters, digits, . _ @ -)." };
        var role = new Option<string>("--role") { Description = "analyst (reads, comments), dpo (also decides and reports) or admin (users and settings).", Required = true };
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the one-time password from standard input instead of generating one." };
        var add = new Command("add", "Add a person; prints a one-time password that must be changed at first sign-in.") { name, role, stdin };
        verbHost.SetAction(add, async (parse, services, console, ct) =>
        {
            if (!ConsoleRoles.TryParse(parse.GetValue(role), out var parsed))
            {
                throw new LeakWatchException("--role must be analyst, dpo or admin.", ExitCodes.BadConfiguration);
            }
            string? given = null;
            if (parse.GetValue(stdin))
            {
                given = (await console.In.ReadLineAsync(ct))?.TrimEnd('\r', '\n');
            }
            var user = parse.GetValue(name)!;
            var password = await services.GetRequiredService<AccountService>().AddAsync(user, parsed, given, Actor, "", ct);
            await console.Out.WriteLineAsync($"Added {user} ({ConsoleRoles.Name(parsed)}).");
            if (given is null) await console.Out.WriteLineAsync("One-time password (give it to the person; it must be changed at first sign-in): " + password);
            return ExitCodes.Success;
        });
        users.Subcommands.Add(add);

        var list = new Command("list", "List the accounts: name, role, state.");
        verbHost.SetAction(list, async (_, services, console, ct) =>
        {
            var all = await services.GetRequiredService<UserStore>().ListAsync(ct);
            if (all.Count == 0) await console.Out.WriteLineAsync("No console user yet: add one with `leakwatch users add NAME --role dpo`.");
            foreach (var user in all)
            {
                var state = user.Disabled ? "disabled" : user.LockedUntil is not null ? "locked until " + user.LockedUntil : user.MustChangePassword ? "one-time password" : "active";
                await console.Out.WriteLineAsync($"{user.Name,-24} {user.Role,-8} {state}{(user.HasSecondFactor ? ", second factor" : "")}");
            }
            return ExitCodes.Success;
        });
        users.Subcommands.Add(list);

        var disableName = new Argument<string>("NAME");
        var disable = new Command("disable", "Disable an account and end its sessions (it stays in the audit log).") { disableName };
        verbHost.SetAction(disable, async (parse, services, console, ct) =>
        {
            var user = parse.GetValue(disableName)!;
            await services.GetRequiredService<AccountService>().DisableAsync(user, Actor, "", ct);
            await console.Out.WriteLineAsync($"Disabled {user}.");
            return ExitCodes.Success;
        });
        users.Subcommands.Add(disable);

        var resetName = new Argument<string>("NAME");
        var reset = new Command("reset", "Give an account a new one-time password: unlocks it, clears its second factor, ends its sessions.") { resetName };
        verbHost.SetAction(reset, async (parse, services, console, ct) =>
        {
            var user = parse.GetValue(resetName)!;
            var password = await services.GetRequiredService<AccountService>().ResetAsync(user, Actor, "", ct);
            await console.Out.WriteLineAsync($"Reset {user}. One-time password (must be changed at next sign-in): {password}");
            return ExitCodes.Success;
        });
        users.Subcommands.Add(reset);
        return users;
    }

    /// <summary>Who acts from the command line, for the audit log: the operating-system account.</summary>
    private static string Actor => "cli:" + Environment.UserName;
}
