using System.Security.Cryptography;
using System.Text;
using Dapper;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Web;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Accounts;

/// <summary>A live session: who, and whether the second factor was given in it.</summary>
internal sealed record SessionInfo(ConsoleUser User, bool SecondFactorDone);

/// <summary>Why a presented session is not valid, for the audit log.</summary>
internal enum SessionEnd
{
    Unknown,
    IdleExpired,
    AbsoluteExpired,
    UserDisabled,
}

/// <summary>
/// Server-side sessions. The cookie carries 32 random bytes; the table holds their SHA-256, so a copy of the database
/// opens no session. Idle and absolute expiry are checked here on every request; disabling or resetting a user ends
/// every session of theirs at once.
/// </summary>
internal sealed class SessionStore(Database database, UserStore users, TimeProvider time, IOptions<ConsoleOptions> options)
{
    public async Task<string> CreateAsync(long userId, bool secondFactorDone, CancellationToken cancellationToken)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = DbTime.Text(time.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO console_sessions (token_sha256, user_id, created_at, last_seen, second_factor_done)
            VALUES (@Token, @User, @Now, @Now, @Done)
            """, new { Token = Hash(token), User = userId, Now = now, Done = secondFactorDone ? 1L : 0L }, cancellationToken: cancellationToken));
        return token;
    }

    /// <summary>The session's user when it is still valid (and marks it used); otherwise why it ended, and it is deleted.</summary>
    public async Task<(SessionInfo? Session, SessionEnd End)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            "SELECT user_id AS UserId, created_at AS CreatedAt, last_seen AS LastSeen, second_factor_done AS SecondFactorDone FROM console_sessions WHERE token_sha256 = @Token",
            new { Token = hash }, cancellationToken: cancellationToken));
        if (row is null) return (null, SessionEnd.Unknown);
        var settings = options.Value;
        var user = await users.FindAsync(row.UserId, cancellationToken);
        var end = user is null || user.Disabled ? SessionEnd.UserDisabled
            : now - DbTime.Parse(row.CreatedAt) >= settings.AbsoluteTimeout ? SessionEnd.AbsoluteExpired
            : now - DbTime.Parse(row.LastSeen) >= settings.IdleTimeout ? SessionEnd.IdleExpired
            : (SessionEnd?)null;
        if (end is { } ended)
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM console_sessions WHERE token_sha256 = @Token", new { Token = hash }, cancellationToken: cancellationToken));
            return (null, ended);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE console_sessions SET last_seen = @Now WHERE token_sha256 = @Token", new { Token = hash, Now = DbTime.Text(now) }, cancellationToken: cancellationToken));
        return (new SessionInfo(user!, row.SecondFactorDone), SessionEnd.Unknown);
    }

    public async Task MarkSecondFactorDoneAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE console_sessions SET second_factor_done = 1 WHERE token_sha256 = @Token", new { Token = Hash(token) }, cancellationToken: cancellationToken));
    }

    public async Task RevokeAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM console_sessions WHERE token_sha256 = @Token", new { Token = Hash(token) }, cancellationToken: cancellationToken));
    }

    /// <summary>Ends every session of a user but, optionally, the one they are using.</summary>
    public async Task RevokeUserAsync(long userId, string? keepToken, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM console_sessions WHERE user_id = @User AND token_sha256 <> @Keep",
            new { User = userId, Keep = keepToken is null ? "" : Hash(keepToken) }, cancellationToken: cancellationToken));
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class SessionRow
    {
        public long UserId { get; init; }
        public string CreatedAt { get; init; } = "";
        public string LastSeen { get; init; } = "";
        public bool SecondFactorDone { get; init; }
    }
}
