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

    // One statement counts a failed attempt and decides the lockout, on the row as stored: two requests at once cannot
    // both read the same count, nor both pass a lockout the other has just set. An expired lockout starts a new count.
    private const string TakeAttemptSql = """
        UPDATE console_users
        SET failed_sign_ins = (CASE WHEN locked_until IS NULL THEN failed_sign_ins ELSE 0 END) + 1,
            locked_until = CASE WHEN (CASE WHEN locked_until IS NULL THEN failed_sign_ins ELSE 0 END) + 1 >= @Max THEN @Until ELSE NULL END
        WHERE id = @Id AND (locked_until IS NULL OR locked_until <= @Now)
        RETURNING failed_sign_ins AS Failures, locked_until AS LockedUntil
        """;

    private const string GiveBackAttemptSql = """
        UPDATE console_users
        SET failed_sign_ins = CASE WHEN failed_sign_ins > 0 THEN failed_sign_ins - 1 ELSE 0 END,
            locked_until = CASE WHEN locked_until = @OwnLock THEN NULL ELSE locked_until END
        WHERE id = @Id
        """;

    /// <summary>
    /// Counts one attempt as failed, unless the account is locked now (then null, and nothing is written). The attempt
    /// that reaches <paramref name="max"/> locks the account until <paramref name="lockUntil"/>; its result says so.
    /// </summary>
    public async Task<SignInAttempt?> TakeAttemptAsync(long id, DateTimeOffset now, int max, DateTimeOffset lockUntil, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SignInAttempt>(new CommandDefinition(
            TakeAttemptSql, new { Id = id, Now = DbTime.Text(now), Max = max, Until = DbTime.Text(lockUntil) }, cancellationToken: cancellationToken));
    }

    /// <summary>Takes back an attempt that turned out right (its count, and the lockout it set, if it set one).</summary>
    public Task GiveBackAttemptAsync(long id, SignInAttempt attempt, CancellationToken cancellationToken) =>
        ExecuteAsync(GiveBackAttemptSql, new { Id = id, OwnLock = attempt.LockedUntil }, cancellationToken);

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

/// <summary>An attempt counted by <see cref="UserStore.TakeAttemptAsync"/>: the count it reached, and the lockout it set (null when none).</summary>
internal sealed record SignInAttempt
{
    public long Failures { get; init; }

    public string? LockedUntil { get; init; }
}
