using System.Net;
using System.Text.RegularExpressions;
using LeakWatch.Service.Demo;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Service.Tests.Review;

namespace LeakWatch.Service.Tests.Demo;

/// <summary>`leakwatch demo --once` from the built executable, in an empty folder, as a new user or a CI script runs it.</summary>
public sealed partial class DemoVerbTests : IDisposable
{
    private readonly ExecutableHarness _folder = new();

    [Fact]
    public async Task DemoOnce_EmptyFolder_DeliversTheAlertToItsSinksAndExitsZero()
    {
        var result = await _folder.RunAsync("demo", "--once");
        var output = result.Out;

        // Were the real settings in the environment (the harness sets them), the demo must still keep to its folder.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ALERT (webhook, signature valid): incident #", output, StringComparison.Ordinal);
        Assert.Contains("E-mail received by the SMTP sink for security@demo.invalid: \"[LeakWatch] Incident #", output, StringComparison.Ordinal);
        // Its console on a loopback port of its own, with the demo account's credentials.
        var console = ConsoleUrl().Match(output);
        Assert.True(console.Success, output);
        Assert.NotEqual("5080", console.Groups[1].Value);
        Assert.Matches(Credentials(), output);
        // Its own folder, never the real data folder or key.
        var demo = Path.Combine(_folder.Root, "demo");
        Assert.True(File.Exists(Path.Combine(demo, "data", "leakwatch.db")));
        Assert.True(File.Exists(Path.Combine(demo, "key", "leakwatch.key")));
        Assert.False(File.Exists(_folder.KeyFile));
        Assert.False(Directory.Exists(_folder.DataDirectory));
    }

    [Fact]
    public async Task Demo_WithoutOnce_KeepsItsConsoleWhereTheDemoAccountSeesTheIncident()
    {
        await using var demo = _folder.StartReading("demo");
        var alert = await demo.WaitForLineAsync(l => l.Contains("ALERT (webhook, signature valid): incident #", StringComparison.Ordinal));
        await demo.WaitForLineAsync(l => l.StartsWith("The service and its console", StringComparison.Ordinal));
        var output = demo.Text;
        var baseUri = new Uri(ConsoleUrl().Match(output).Value);
        var password = Credentials().Match(output).Groups[1].Value;
        var incident = IncidentNumber().Match(alert).Groups[1].Value;

        // Sign in over HTTP as a person would: the one-time password is changed first, then the list is open.
        using var client = new ConsoleClient(baseUri);
        var login = await client.SignInAsync(DemoVerb.DemoAccount, password);
        Assert.Equal("/account/password", login.Headers.Location?.OriginalString.Split('?')[0]);
        var change = await client.PostFormAsync("/account/password", new() { ["current"] = password, ["next"] = "a demo passphrase 2026", ["confirm"] = "a demo passphrase 2026" });
        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        var list = await client.GetTextAsync("/incidents");

        Assert.Contains($"<a href=\"/incidents/{incident}\">#{incident}</a>", list, StringComparison.Ordinal);
        // The account exists in the demo's database only: the real data folder was never made.
        Assert.False(Directory.Exists(_folder.DataDirectory));
    }

    [Fact]
    public async Task Demo_FolderNamedDemoThatIsNotOurs_IsLeftAloneWithExitTwo()
    {
        var theirs = Path.Combine(_folder.Root, "demo", "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(theirs)!);
        await File.WriteAllTextAsync(theirs, "not LeakWatch's");

        var result = await _folder.RunAsync("demo", "--once");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a LeakWatch demo folder", result.Error, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(Path.GetDirectoryName(theirs)!).Select(Path.GetFileName));
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:(\d+)(?=/incidents)")]
    private static partial Regex ConsoleUrl();

    [GeneratedRegex(@"user demo\.dpo, one-time password (\S+)")]
    private static partial Regex Credentials();

    [GeneratedRegex(@"incident #(\d+)")]
    private static partial Regex IncidentNumber();

    public void Dispose() => _folder.Dispose();
}
