using System.Net;
using System.Text.RegularExpressions;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Operations;

/// <summary>Health and metrics served by the built `leakwatch run` on its one web listener, beside the console.</summary>
public sealed partial class RunWebTests : IDisposable
{
    private readonly ExecutableHarness _folder = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_BuiltExecutable_ServesHealthReadinessAndMetricsAnonymouslyButNotTheConsole(bool consoleEnabled)
    {
        Assert.Equal(0, (await _folder.RunAsync("key", "init")).ExitCode);
        _folder.Environment["LeakWatch__Console__Urls"] = "http://127.0.0.1:0";
        _folder.Environment["LeakWatch__Console__Enabled"] = consoleEnabled ? "true" : "false";
        await using var run = _folder.StartReading("run");
        var listening = await run.WaitForLineAsync(l => l.Contains("Web listener on ", StringComparison.Ordinal));
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(ListenerAddress().Match(listening).Groups[1].Value),
        };

        var alive = await http.GetAsync("/healthz");
        var notReady = await http.GetAsync("/readyz");
        var enroll = await _folder.RunAsync("enroll", ExportFiles.Write(_folder.Root, SyntheticPopulation.Generate(40, seed: 4040)));
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        var ready = await http.GetAsync("/readyz");
        var metrics = await http.GetAsync("/metrics");
        var console = await http.GetAsync("/incidents");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("\"enrollment\":{\"status\":\"Unhealthy\"", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(ready.StatusCode == HttpStatusCode.OK, await ready.Content.ReadAsStringAsync());
        Assert.Contains("\"enrollment\":{\"status\":\"Healthy\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("leakwatch_alerts_pending", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        if (consoleEnabled)
        {
            // A console page still asks for a sign-in.
            Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
            Assert.StartsWith("/login", console.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.NotFound, console.StatusCode);
        }
    }

    [GeneratedRegex(@"Web listener on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListenerAddress();

    public void Dispose() => _folder.Dispose();
}
