using System.CommandLine;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Enrollment;
using LeakWatch.Service.Keys;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Hosting;

/// <summary>The verbs. Configuration overrides (<c>--LeakWatch:Setting=value</c>) are taken out first and go to every verb.</summary>
internal static class LeakWatchCommandLine
{
    public static Task<int> InvokeAsync(string[] args) => InvokeAsync(args, new InvocationConfiguration());

    /// <param name="invocation">Where the verbs write (tests pass their own writers).</param>
    /// <param name="configureHost">Applied to every host the verbs build, after the features (tests capture logs, add settings or services).</param>
    /// <param name="input">Standard input for the verbs that read it; null for the process's own.</param>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration invocation, Action<HostApplicationBuilder>? configureHost = null,
        TextReader? input = null, CancellationToken cancellationToken = default)
    {
        var (configArgs, verbArgs) = SplitConfigurationOverrides(args);
        var host = new LeakWatchVerbHost(configArgs, configureHost, input);
        var root = new RootCommand("LeakWatch: learn within hours that your patients' records are circulating.");
        // One line per verb.
        root.Subcommands.Add(RunVerb.Create(host));
        root.Subcommands.Add(KeyVerb.Create(host));
        root.Subcommands.Add(EnrollVerb.Create(host));
        root.Subcommands.Add(ResolveVerb.Create(host));
        root.Subcommands.Add(Detection.ScanVerb.Create(host));
        root.Subcommands.Add(Alerting.AlertsVerb.Create(host));
        root.Subcommands.Add(Crawling.CrawlVerb.Create(host));
        root.Subcommands.Add(Crawling.SourcesVerb.Create(host));
        root.Subcommands.Add(Operations.DoctorVerb.Create(host));
        root.Subcommands.Add(Demo.DemoVerb.Create(host));
        root.Subcommands.Add(Accounts.UsersVerb.Create(host));
        root.Subcommands.Add(Audit.AuditVerb.Create(host));
        root.Subcommands.Add(Storage.MigrateVerb.Create(host));
        root.Subcommands.Add(Canaries.CanaryVerb.Create(host));
        // No verb means `run`: the service itself.
        root.SetAction((parse, ct) => RunVerb.RunAsync(host, parse, ct));

        var parse = root.Parse(verbArgs);
        if (parse.Errors.Count > 0)
        {
            // System.CommandLine exits 1 on a parse error, which for scan and crawl means "found": usage errors are 2.
            foreach (var error in parse.Errors) await invocation.Error.WriteLineAsync("leakwatch: " + error.Message);
            await invocation.Error.WriteLineAsync("Run `leakwatch --help`, or `leakwatch VERB --help`, for the verbs and their options.");
            return ExitCodes.BadConfiguration;
        }
        return await parse.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>
    /// Arguments of the form <c>--Section:Key=value</c>, <c>--Section:Key value</c> or <c>Section:Key=value</c> are
    /// configuration, as in any .NET host; everything else is the verb's.
    /// </summary>
    internal static (string[] Config, string[] Verb) SplitConfigurationOverrides(string[] args)
    {
        var config = new List<string>();
        var verb = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var bare = arg.TrimStart('-', '/');
            var name = bare.Split('=', 2)[0];
            if (name.Contains(':', StringComparison.Ordinal) && !name.Contains('\\', StringComparison.Ordinal) && !Path.IsPathRooted(name))
            {
                if (bare.Contains('=', StringComparison.Ordinal))
                {
                    config.Add("--" + bare);
                }
                else if (i + 1 < args.Length)
                {
                    config.Add("--" + bare + "=" + args[++i]);
                }
                continue;
            }
            verb.Add(arg);
        }
        return ([.. config], [.. verb]);
    }
}
