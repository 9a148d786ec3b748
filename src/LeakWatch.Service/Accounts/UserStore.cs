using Dapper;
using LeakWatch.Service.Storage;

namespace LeakWatch.Service.Accounts;

/// <summary>The <c>console_users</c> table and the console's settings.</summary>
internal sealed class UserStore(Database database)
{
    public async Task<ConsoleUser?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ConsoleUser>(new CommandDefinition(
            "SELECT " + ConsoleUser.Columns + " FROM console_users WHERE name = @Name", new { Name = name }, cancellationToken: cancellationToken));
    }

    public async Task<ConsoleUser?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ConsoleUser>(new CommandDefinition(
            "SELECT " + ConsoleUser.Columns + " FROM console_users WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<ConsoleUser>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<ConsoleUser>(new CommandDefinition(
            "SELECT " + ConsoleUser.Columns + " FROM console_users ORDER BY name", cancellationToken: cancellationToken))];
    }

    /// <returns>False when the name is taken.</returns>
    public async Task<bool> InsertAsync(string name, string role, string passwordHash, DateTimeOffset now, string createdBy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO console_users (name, role, password_hash, must_change_password, created_at, created_by)
            VALUES (@Name, @Role, @Hash, 1, @Now, @By)
            ON CONFLICT (name) DO NOTHING
            """, new { Name = name, Role = role, Hash = passwordHash, Now = DbTime.Text(now), By = createdBy }, cancellationToken: cancellationToken));
        return inserted == 1;
    }

    /// <summary>A new password; a one-time one (<paramref name="mustChange"/>) also clears the lockout and the second factor.</summary>
    public Task SetPasswordAsync(long id, string passwordHash, bool mustChange, CancellationToken cancellationToken) =>
        ExecuteAsync(mustChange
            ? "UPDATE console_users SET password_hash = @Hash, must_change_password = 1, failed_sign_ins = 0, locked_until = NULL, totp_secret = NULL, totp_last_step = NULL WHERE id = @Id"
            : "UPDATE console_users SET password_hash = @Hash, must_change_password = 0 WHERE id = @Id",
            new { Id = id, Hash = passwordHash }, cancellationToken);

    public Task SetFailuresAsync(long id, long failures, DateTimeOffset? lockedUntil, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE console_users SET failed_sign_ins = @Failures, locked_until = @Until WHERE id = @Id",
            new { Id = id, Failures = failures, Until = lockedUntil is { } until ? DbTime.Text(until) : null }, cancellationToken);

    public Task SetDisabledAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE console_users SET disabled = 1 WHERE id = @Id", new { Id = id }, cancellationToken);

    public Task SetSecondFactorAsync(long id, byte[] sealedSecret, long step, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE console_users SET totp_secret = @Secret, totp_last_step = @Step WHERE id = @Id",
            new { Id = id, Secret = sealedSecret, Step = step }, cancellationToken);

    /// <returns>False when the step was already used (a replayed code).</returns>
    public async Task<bool> UseSecondFactorStepAsync(long id, long step, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE console_users SET totp_last_step = @Step WHERE id = @Id AND (totp_last_step IS NULL OR totp_last_step < @Step)",
            new { Id = id, Step = step }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT value FROM console_settings WHERE name = @Name", new { Name = name }, cancellationToken: cancellationToken));
    }

    public Task SetSettingAsync(string name, string value, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO console_settings (name, value) VALUES (@Name, @Value) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            new { Name = name, Value = value }, cancellationToken);

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }
}
