using System.CommandLine;
using LeakWatch.Service.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Alerting;

/// <summary><c>leakwatch alerts test</c>: one test alert per channel, and a line per channel saying how it went.</summary>
internal static class AlertsVerb
{
    public static Command Create(VerbHost verbHost)
    {
        var test = new Command("test", "Send a test alert (marked as a test, no patient data) to every configured channel, now, and report each result.");
        verbHost.SetAction(test, (_, services, console, ct) => TestAsync(services, console.Out, ct));
        var alerts = new Command("alerts", "Alert channels (email, webhook, Slack, Teams).");
        alerts.Subcommands.Add(test);
        return alerts;
    }

    /// <returns>0 when every channel accepted its test alert; 1 when one failed or none is configured; 2 for a bad configuration.</returns>
    public static async Task<int> TestAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        AlertingOptions settings;
        try
        {
            settings = services.GetRequiredService<IOptions<AlertingOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures) await output.WriteLineAsync("configuration error: " + failure);
            return 2;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is not null)
        {
            // A value the binder cannot convert (Kind: pager): its message names the setting.
            await output.WriteLineAsync("configuration error: " + ex.InnerException.Message);
            return 2;
        }
        if (settings.Channels.Count == 0)
        {
            await output.WriteLineAsync($"No alert channel is configured ({AlertingOptions.SectionName}:Channels).");
            return 1;
        }

        var results = await services.GetRequiredService<AlertTester>().SendTestAlertsAsync(cancellationToken);
        var width = results.Max(r => r.Channel.Length);
        foreach (var result in results)
        {
            var status = result.Ok ? "ok" : "error: " + result.Error;
            await output.WriteLineAsync($"{result.Channel.PadRight(width)}  {result.Kind.ToString().ToLowerInvariant(),-7}  {status}");
        }
        return results.All(r => r.Ok) ? 0 : 1;
    }
}
