using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Hosting;
using Microsoft.Data.Sqlite;

namespace LeakWatch.Service.Tests.Audit;

/// <summary>`leakwatch audit verify` over a chain written by real user changes, then tampered with in the database file.</summary>
public sealed class AuditVerifyTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task AuditVerify_UntouchedChain_ExitsZero()
    {
        await WriteEntriesAsync();

        var verify = await _cli.RunAsync("audit", "verify");

        Assert.True(verify.ExitCode == ExitCodes.Success, verify.ToString());
        Assert.Contains("intact: 4 entries", verify.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'somebody-else' WHERE id = 2", "BROKEN at entry 2")]
    // An edit that also recomputes an unkeyed hash cannot pass: the chain is keyed.
    [InlineData("UPDATE audit_log SET detail = 'role admin', mac = lower(hex(randomblob(32))) WHERE id = 1", "BROKEN at entry 1")]
    [InlineData("DELETE FROM audit_log WHERE id = 2", "BROKEN at entry 3: entry 3 follows entry 1: entries 2 to 2 were deleted")]
    [InlineData("DELETE FROM audit_log WHERE id = 4", "entries after it were deleted")]
    [InlineData("DELETE FROM audit_log", "the log is empty but entries were written")]
    public async Task AuditVerify_TamperedChain_ExitsOneNamingTheFirstBrokenEntry(string tampering, string expected)
    {
        await WriteEntriesAsync();
        await TamperAsync(tampering);

        var verify = await _cli.RunAsync("audit", "verify");

        Assert.True(verify.ExitCode == ExitCodes.Failure, verify.ToString());
        Assert.Contains(expected, verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditLog_UpdateWithoutDroppingTheTriggers_IsRefused()
    {
        await WriteEntriesAsync();
        await using var connection = new SqliteConnection("Data Source=" + _cli.DatabasePath + ";Pooling=false");
        await connection.OpenAsync();
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE audit_log SET actor = 'x' WHERE id = 1";

        var refused = await Assert.ThrowsAsync<SqliteException>(() => update.ExecuteNonQueryAsync());

        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Four entries from real changes: two users added, one reset, one disabled.</summary>
    private async Task WriteEntriesAsync()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("users", "add", "first.dpo", "--role", "dpo")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("users", "add", "an.analyst", "--role", "analyst")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("users", "reset", "an.analyst")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("users", "disable", "an.analyst")).ExitCode);
    }

    /// <summary>What someone with the database file does: drop the append-only triggers and edit.</summary>
    private async Task TamperAsync(string sql)
    {
        await using var connection = new SqliteConnection("Data Source=" + _cli.DatabasePath + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => _cli.Dispose();
}
