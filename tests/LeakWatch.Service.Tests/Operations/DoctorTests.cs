using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LeakWatch.Service.Tests.Alerting;
using LeakWatch.Service.Tests.Crawling.Support;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;

namespace LeakWatch.Service.Tests.Operations;

/// <summary>`leakwatch doctor` against real files, a real SMTP server, a real webhook receiver and a real site on loopback.</summary>
public sealed class DoctorTests : IDisposable
{
    private readonly CliHarness _cli = new();

    private async Task EnrollAsync()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, count: 20, seed: 77));
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private void AddEmailChannel(int port)
    {
        _cli.Settings["LeakWatch:Alerting:Channels:0:Name"] = "security-mail";
        _cli.Settings["LeakWatch:Alerting:Channels:0:Kind"] = "email";
        _cli.Settings["LeakWatch:Alerting:Channels:0:SmtpHost"] = "127.0.0.1";
        _cli.Settings["LeakWatch:Alerting:Channels:0:SmtpPort"] = port.ToString(CultureInfo.InvariantCulture);
        _cli.Settings["LeakWatch:Alerting:Channels:0:SmtpSecurity"] = "none";
        _cli.Settings["LeakWatch:Alerting:Channels:0:From"] = "leakwatch@lab.test";
        _cli.Settings["LeakWatch:Alerting:Channels:0:To:0"] = "security@lab.test";
    }

    private void AddSource(Uri url)
    {
        _cli.Settings["LeakWatch:Sources:0:Name"] = "board";
        _cli.Settings["LeakWatch:Sources:0:Kind"] = "urls";
        _cli.Settings["LeakWatch:Sources:0:Urls:0"] = url.AbsoluteUri;
        _cli.Settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "true";
        _cli.Settings["LeakWatch:Crawler:MaxRetries"] = "0";
    }

    private static string Row(CliResult result, string check) =>
        result.Out.Split('\n').FirstOrDefault(l => l.StartsWith(check + " ", StringComparison.Ordinal)) ?? $"(no row '{check}')\n{result}";

    [Fact]
    public async Task Doctor_EverythingReachable_AllOkAndExitsZero()
    {
        await EnrollAsync();
        await using var smtp = await SmtpTestServer.StartAsync();
        using var hook = WebhookTestReceiver.Start();
        await using var site = await LoopbackServer.StartAsync(TimeProvider.System);
        site.MapText("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain");
        site.MapText("/list.txt", "rien");
        AddEmailChannel(smtp.Port);
        _cli.Settings["LeakWatch:Alerting:Channels:1:Name"] = "siem";
        _cli.Settings["LeakWatch:Alerting:Channels:1:Kind"] = "webhook";
        _cli.Settings["LeakWatch:Alerting:Channels:1:Url"] = hook.Url();
        _cli.Settings["LeakWatch:Alerting:Channels:1:SecretEnvironmentVariable"] = "LEAKWATCH_DOCTOR_TEST_SECRET";
        Environment.SetEnvironmentVariable("LEAKWATCH_DOCTOR_TEST_SECRET", "s3cret");
        AddSource(site.Url("/list.txt"));

        var result = await _cli.RunAsync("doctor");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var check in new[] { "configuration", "key", "database", "schema", "key matches database", "enrollment", "clock", "Email security-mail", "Webhook siem", "source board" })
        {
            Assert.Contains(" OK ", Row(result, check), StringComparison.Ordinal);
        }
        Assert.Contains("20 patients", Row(result, "enrollment"), StringComparison.Ordinal);
        Assert.Empty(smtp.Messages); // connect only
        Assert.Empty(hook.Requests);
        Assert.Equal(1, site.Count("/list.txt"));
    }

    [Fact]
    public async Task Doctor_MissingKey_FailsWithWhatToDo()
    {
        await EnrollAsync();
        File.Delete(_cli.KeyFile);

        var result = await _cli.RunAsync("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL", Row(result, "key"), StringComparison.Ordinal);
        Assert.Contains("no key file at " + _cli.KeyFile, result.Out, StringComparison.Ordinal);
        Assert.Contains("-> restore the lab's key file", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_KeyReadableByOthers_FailsWithChmod()
    {
        if (OperatingSystem.IsWindows()) return; // Windows keys are guarded by an ACL, checked when read
        await EnrollAsync();
        File.SetUnixFileMode(_cli.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await _cli.RunAsync("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL", Row(result, "key"), StringComparison.Ordinal);
        Assert.Contains("open to other users (mode 644)", Row(result, "key"), StringComparison.Ordinal);
        Assert.Contains($"chmod 600 '{_cli.KeyFile}'", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_SmtpServerUnreachable_FailsForThatChannel()
    {
        await EnrollAsync();
        AddEmailChannel(ClosedPort());

        var result = await _cli.RunAsync("doctor");

        Assert.Equal(1, result.ExitCode);
        var row = Row(result, "Email security-mail");
        Assert.Contains("FAIL", row, StringComparison.Ordinal);
        Assert.Contains("cannot connect to 127.0.0.1:", row, StringComparison.Ordinal);
        Assert.Contains(" OK ", Row(result, "key"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_SourceUnreachable_FailsForThatSource()
    {
        await EnrollAsync();
        AddSource(new Uri($"http://127.0.0.1:{ClosedPort()}/list.txt"));

        var result = await _cli.RunAsync("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL", Row(result, "source board"), StringComparison.Ordinal);
        Assert.Contains("1 failures", result.Out, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
