using System.CommandLine;
using System.Globalization;
using LeakWatch.Service.Audit;
using LeakWatch.Service.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Canaries;

/// <summary>
/// <c>leakwatch canary create --system NAME [--count N] [--email-domain DOMAIN]</c> prints synthetic identities once,
/// for the lab to plant in that system, and keeps only their fingerprints; <c>leakwatch canary list</c> shows systems,
/// counts, creation dates and retirements, never a value; <c>leakwatch canary retire --system NAME</c> stops matching a
/// system's canaries (audited).
/// </summary>
internal static class CanaryVerb
{
    public const int MaxSystemLength = 64;

    public static Command Create(VerbHost verbHost)
    {
        var system = new Option<string>("--system")
        {
            Description = "The system the canaries are for (the lab information system, billing, a backup, a partner's copy): named in every alert they raise.",
            Required = true,
        };
        var count = new Option<int>("--count") { Description = "How many canaries (1 to 1000).", DefaultValueFactory = _ => 5 };
        var domain = new Option<string?>("--email-domain")
        {
            Description = "The domain of their e-mail addresses; best one the lab controls, so mail sent to a canary is seen. Default: common French providers.",
        };
        var create = new Command("create", "Make canary patients for a system and print them once; LeakWatch keeps only their fingerprints.");
        create.Options.Add(system);
        create.Options.Add(count);
        create.Options.Add(domain);
        verbHost.SetAction(create, (parse, services, console, ct) =>
            CreateAsync(parse.GetValue(system)!, parse.GetValue(count), parse.GetValue(domain), services, console, ct));

        var list = new Command("list", "List the canaries: system, count, creation date and whether retired (never their values).");
        verbHost.SetAction(list, ListAsync);

        var retiredSystem = new Option<string>("--system") { Description = "The system whose canaries are retired (all its sets still matched).", Required = true };
        var retire = new Command("retire", "Stop matching a system's canaries (taken out of the system, or the system is gone); they stay listed as retired. Audited.");
        retire.Options.Add(retiredSystem);
        verbHost.SetAction(retire, (parse, services, console, ct) => RetireAsync(parse.GetValue(retiredSystem)!.Trim(), services, console, ct));

        var canary = new Command("canary", "Canary patients: synthetic identities planted in a system, to learn which system a leak came from.");
        canary.Subcommands.Add(create);
        canary.Subcommands.Add(list);
        canary.Subcommands.Add(retire);
        return canary;
    }

    private static async Task<int> CreateAsync(string system, int count, string? emailDomain, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        system = system.Trim();
        // No comma: an incident keeps the systems it names as one comma-separated list.
        if (system.Length is 0 or > MaxSystemLength || system.Any(char.IsControl) || system.Contains(','))
        {
            throw new LeakWatchException($"--system must be a name of 1 to {MaxSystemLength} printable characters, without a comma.");
        }
        if (count is < 1 or > CanaryMaker.MaxCount) throw new LeakWatchException($"--count must be between 1 and {CanaryMaker.MaxCount}.");
        if (emailDomain is not null)
        {
            emailDomain = emailDomain.Trim().TrimStart('@').ToLowerInvariant();
            if (Uri.CheckHostName(emailDomain) != UriHostNameType.Dns || !emailDomain.Contains('.', StringComparison.Ordinal))
            {
                throw new LeakWatchException("--email-domain must be a domain name such as labo-exemple.fr.");
            }
        }

        var batch = await services.GetRequiredService<CanaryMaker>().CreateAsync(system, count, emailDomain, cancellationToken);
        // Standard output only, once: the values are nowhere else (not the database, not the logs).
        await console.Out.WriteLineAsync("NOM;PRENOMS;SEXE;DATE_NAISSANCE;NIR;TELEPHONE;EMAIL");
        foreach (var c in batch.Identities)
        {
            await console.Out.WriteLineAsync($"{c.LastName};{c.FirstNames};{c.Sex};{c.BirthDateText};{c.Nir};{c.Phone};{c.Email}");
        }
        var inv = CultureInfo.InvariantCulture;
        await console.Error.WriteLineAsync(string.Create(inv,
            $"{count} canaries made for system '{system}' ({batch.Regenerated} drawn again because they shared a value with an enrolled patient or another canary)."));
        if (!batch.CheckedAgainstPatients)
        {
            await console.Error.WriteLineAsync("No patient is enrolled yet: the enrollment will keep the canaries apart from the patients when it comes.");
        }
        await console.Error.WriteLineAsync("They are printed this once: LeakWatch keeps only their fingerprints. Plant them in the system as ordinary patients, then keep no copy of this output.");
        return ExitCodes.Success;
    }

    private static async Task<int> ListAsync(ParseResult parse, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        var sets = await services.GetRequiredService<CanaryStore>().ListAsync(cancellationToken);
        if (sets.Count == 0)
        {
            await console.Out.WriteLineAsync("No canaries yet: leakwatch canary create --system NAME");
            return ExitCodes.Success;
        }
        var width = Math.Max("SYSTEM".Length, sets.Max(s => s.System.Length));
        await console.Out.WriteLineAsync("SYSTEM".PadRight(width) + "  CANARIES  CREATED (UTC)     STATE");
        foreach (var set in sets)
        {
            var state = set.RetiredAt is { } retired ? string.Create(CultureInfo.InvariantCulture, $"retired {retired.UtcDateTime:yyyy-MM-dd HH:mm}") : "matched";
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{set.System.PadRight(width)}  {set.Canaries,8}  {set.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}  {state}"));
        }
        return ExitCodes.Success;
    }

    /// <summary>Exit 0 when canaries were retired, 2 when the system has none still matched (nothing changed).</summary>
    private static async Task<int> RetireAsync(string system, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        var audit = services.GetRequiredService<AuditLog>();
        // Asked before the transaction: the first ask may write to the database.
        var key = await audit.KeyAsync(cancellationToken);
        var actor = "cli:" + Environment.UserName;
        var retired = await services.GetRequiredService<CanaryStore>().RetireAsync(system, (connection, transaction, canaries, ct) =>
            audit.AppendAsync(connection, transaction, new AuditEvent(actor, AuditActions.CanaryRetired, "canary/" + system,
                canaries.ToString(CultureInfo.InvariantCulture) + " canaries no longer matched"), key, ct), cancellationToken);
        if (retired == 0)
        {
            throw new LeakWatchException($"No canary of system '{system}' is matched now (see `leakwatch canary list`): nothing retired.");
        }
        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{retired} canaries of system '{system}' retired: no longer matched from the next scan on. Take them out of the system if they are still there."));
        return ExitCodes.Success;
    }
}
