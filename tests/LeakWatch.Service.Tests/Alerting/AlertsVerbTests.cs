using System.Net;
using System.Text.Json;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.Tests.Hosting;
using MimeKit;

namespace LeakWatch.Service.Tests.Alerting;

public sealed class AlertsVerbTests : IDisposable
{
    private readonly AlertingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task AlertsTest_EveryChannelWorks_SendsMarkedTestAlertsDirectlyAndExitsZero()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        using var hook = WebhookTestReceiver.Start();
        _fixture.AddEmailChannel("security-mail", smtp);
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url("hook")), ("SecretFile", _fixture.WriteSecretFile("hook.secret", "s")));
        _fixture.AddChannel("soc-slack", "slack", ("Url", hook.Url("slack")));
        _fixture.AddChannel("soc-teams", "teams", ("Url", hook.Url("teams")));
        var services = _fixture.StartService();
        using var output = new StringWriter();

        var exit = await AlertsVerb.TestAsync(services, output, CancellationToken.None);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["security-mail  email    ok", "security-hook  webhook  ok", "soc-slack      slack    ok", "soc-teams      teams    ok"], lines);

        var mail = MimeMessage.Load(new MemoryStream(Assert.Single(smtp.Messages)));
        Assert.StartsWith("[LeakWatch TEST]", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("test alert", mail.TextBody, StringComparison.Ordinal);
        var generic = Assert.Single(hook.Requests, r => r.Path == "/hook");
        Assert.True(WebhookVerifier.IsValid(generic, "s"));
        using (var json = JsonDocument.Parse(generic.Body))
        {
            Assert.Equal("test", json.RootElement.GetProperty("type").GetString());
            Assert.True(json.RootElement.GetProperty("test").GetBoolean());
            Assert.False(json.RootElement.TryGetProperty("incident", out _));
        }
        Assert.Contains("[LeakWatch TEST]", System.Text.Encoding.UTF8.GetString(Assert.Single(hook.Requests, r => r.Path == "/slack").Body), StringComparison.Ordinal);
        Assert.Contains("[LeakWatch TEST]", System.Text.Encoding.UTF8.GetString(Assert.Single(hook.Requests, r => r.Path == "/teams").Body), StringComparison.Ordinal);
        // Directly, not through the outbox.
        Assert.Empty(await AlertingFixture.QueryAsync<long>(services, "SELECT id FROM alert_outbox"));
    }

    [Fact]
    public async Task AlertsTest_OneChannelFails_ReportsItAndExitsNonZero()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await smtp.StopAsync();
        using var hook = WebhookTestReceiver.Start(HttpStatusCode.Forbidden);
        _fixture.AddEmailChannel("security-mail", smtp);
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url()), ("SecretFile", _fixture.WriteSecretFile("hook.secret", "s")));
        using var output = new StringWriter();

        var exit = await AlertsVerb.TestAsync(_fixture.StartService(), output, CancellationToken.None);

        Assert.Equal(1, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("security-mail  email    error: SocketException", lines[0], StringComparison.Ordinal);
        Assert.Equal("security-hook  webhook  error: HTTP 403 Forbidden", lines[1]);
    }

    [Fact]
    public async Task AlertsTest_NoChannelOrBadConfiguration_ExitsNonZeroWithTheReason()
    {
        using var none = new StringWriter();
        Assert.Equal(1, await AlertsVerb.TestAsync(_fixture.StartService(), none, CancellationToken.None));
        Assert.Contains("No alert channel is configured", none.ToString(), StringComparison.Ordinal);

        _fixture.AddChannel("mail", "email");
        using var bad = new StringWriter();
        Assert.Equal(2, await AlertsVerb.TestAsync(_fixture.StartService(), bad, CancellationToken.None));
        Assert.Contains("configuration error: LeakWatch:Alerting:Channels:0:SmtpHost is required for an email channel.", bad.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertsTestVerb_ThroughTheCommandLine_ReportsEachChannelAndExitCode()
    {
        using var cli = new CliHarness();
        using var hook = WebhookTestReceiver.Start(HttpStatusCode.OK, HttpStatusCode.InternalServerError);
        var secret = Path.Combine(cli.Root, "hook.secret");
        await File.WriteAllTextAsync(secret, "s");
        string[] channel = ["--LeakWatch:Alerting:Channels:0:Name=hook", "--LeakWatch:Alerting:Channels:0:Kind=webhook",
            "--LeakWatch:Alerting:Channels:0:Url=" + hook.Url(), "--LeakWatch:Alerting:Channels:0:SecretFile=" + secret];

        var ok = await cli.RunAsync(["alerts", "test", .. channel]);
        var failed = await cli.RunAsync(["alerts", "test", .. channel]);
        var bad = await cli.RunAsync("alerts", "test", "--LeakWatch:Alerting:Channels:0:Name=mail", "--LeakWatch:Alerting:Channels:0:Kind=email");

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal("hook  webhook  ok", ok.Out.Trim());
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("hook  webhook  error: HTTP 500 Internal Server Error", failed.Out.Trim());
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("LeakWatch:Alerting:Channels:0:SmtpHost is required for an email channel.", bad.Error, StringComparison.Ordinal);
        Assert.All(hook.Requests, r => Assert.True(WebhookVerifier.IsValid(r, "s")));
    }
}
