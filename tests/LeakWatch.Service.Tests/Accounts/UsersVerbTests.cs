using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Hosting;

namespace LeakWatch.Service.Tests.Accounts;

/// <summary>`leakwatch users add|list|disable|reset`: individual accounts, one-time passwords, no defaults.</summary>
public sealed class UsersVerbTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task UsersList_FreshInstall_HasNoAccountAtAll()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);

        var list = await _cli.RunAsync("users", "list");

        Assert.Equal(ExitCodes.Success, list.ExitCode);
        Assert.Contains("No console user yet", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersAdd_GeneratesAOneTimePasswordNeverLoggedOrStored()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);

        var add = await _cli.RunAsync("users", "add", "marie.dpo", "--role", "dpo");
        var password = add.Out.Split(": ")[^1].Trim();
        var list = await _cli.RunAsync("users", "list");
        var again = await _cli.RunAsync("users", "add", "MARIE.DPO", "--role", "analyst");

        Assert.True(add.ExitCode == ExitCodes.Success, add.ToString());
        Assert.Matches("^[a-z2-9]{5}(-[a-z2-9]{5}){3}$", password);
        Assert.DoesNotContain(password, add.AllLogText, StringComparison.Ordinal);
        Assert.DoesNotContain(password, File.ReadAllText(_cli.DatabasePath, System.Text.Encoding.Latin1), StringComparison.Ordinal);
        Assert.Matches("marie\\.dpo\\s+dpo\\s+one-time password", list.Out);
        Assert.Equal(ExitCodes.BadConfiguration, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersAdd_BadRoleShortPasswordOrBadName_RefusedWithExitTwo()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        _cli.StandardInput = "short\n";

        var shortPassword = await _cli.RunAsync("users", "add", "paul", "--role", "analyst", "--password-stdin");
        var role = await _cli.RunAsync("users", "add", "paul", "--role", "root");
        var name = await _cli.RunAsync("users", "add", "<paul>", "--role", "analyst");

        Assert.Equal(ExitCodes.BadConfiguration, shortPassword.ExitCode);
        Assert.Contains("at least 12 characters", shortPassword.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadConfiguration, role.ExitCode);
        Assert.Equal(ExitCodes.BadConfiguration, name.ExitCode);
    }

    [Fact]
    public async Task UsersDisableAndReset_ShowInTheListAndTheAuditLog()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("users", "add", "luc", "--role", "analyst")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("users", "add", "ines", "--role", "admin")).ExitCode);

        var disable = await _cli.RunAsync("users", "disable", "luc");
        var reset = await _cli.RunAsync("users", "reset", "ines");
        var list = await _cli.RunAsync("users", "list");
        var missing = await _cli.RunAsync("users", "reset", "nobody");
        var verify = await _cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Success, disable.ExitCode);
        Assert.Contains("One-time password", reset.Out, StringComparison.Ordinal);
        Assert.Matches("luc\\s+analyst\\s+disabled", list.Out);
        Assert.Matches("ines\\s+admin\\s+one-time password", list.Out);
        Assert.Equal(ExitCodes.BadConfiguration, missing.ExitCode);
        Assert.Contains("intact: 4 entries", verify.Out, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
