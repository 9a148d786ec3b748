using LeakWatch.Service.Accounts;
using LeakWatch.Service.Audit;
using LeakWatch.Service.Tests.Storage;
using LeakWatch.Service.Web;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Accounts;

/// <summary>Sessions that expire, lockouts that end, a second factor that a replayed code cannot pass: on a real SQLite file, with a fake clock.</summary>
public class AccountServiceTests : IDisposable
{
    private const string Password = "a long enough password";
    private readonly StoreFixture _store;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero));
    private readonly ConsoleOptions _options = new();
    private readonly UserStore _users;
    private readonly SessionStore _sessions;
    private readonly AuditLog _audit;
    private readonly AccountService _accounts;

    public AccountServiceTests()
        : this(null)
    {
    }

    /// <param name="postgres">Null: SQLite; otherwise the PostgreSQL database the same tests run on (Postgres/OnPostgresTests.cs).</param>
    protected AccountServiceTests(string? postgres)
    {
        _store = new(postgres);
        _users = new UserStore(_store.Database);
        _sessions = new SessionStore(_store.Database, _users, _time, Microsoft.Extensions.Options.Options.Create(_options));
        _audit = new AuditLog(_store.Database, new ConsoleSubKeys(_store.Keys), _time);
        _accounts = new AccountService(_users, _sessions, _audit, new ConsoleSubKeys(_store.Keys), _time,
            Microsoft.Extensions.Options.Options.Create(_options), NullLogger<AccountService>.Instance);
    }

    [Fact]
    public async Task Session_UnusedLongerThanIdleTimeout_Ends()
    {
        var token = await SignInAsync("idle.user");

        _time.Advance(_options.IdleTimeout - TimeSpan.FromSeconds(1));
        var stillThere = await _sessions.ValidateAsync(token, default);
        _time.Advance(_options.IdleTimeout);
        var ended = await _sessions.ValidateAsync(token, default);

        Assert.NotNull(stillThere.Session);
        Assert.Null(ended.Session);
        Assert.Equal(SessionEnd.IdleExpired, ended.End);
        Assert.Null((await _sessions.ValidateAsync(token, default)).Session);
    }

    [Fact]
    public async Task Session_KeptBusyPastAbsoluteTimeout_Ends()
    {
        var token = await SignInAsync("busy.user");
        var used = TimeSpan.Zero;
        while (used < _options.AbsoluteTimeout - TimeSpan.FromMinutes(10))
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            used += TimeSpan.FromMinutes(10);
            Assert.NotNull((await _sessions.ValidateAsync(token, default)).Session);
        }

        _time.Advance(TimeSpan.FromMinutes(10));
        var ended = await _sessions.ValidateAsync(token, default);

        Assert.Equal(SessionEnd.AbsoluteExpired, ended.End);
    }

    [Fact]
    public async Task Session_UserDisabled_EndsAtOnce()
    {
        var token = await SignInAsync("leaving.user");

        await _accounts.DisableAsync("leaving.user", "admin", "", default);

        Assert.Null((await _sessions.ValidateAsync(token, default)).Session);
        Assert.Equal(SignInResult.Failed, (await _accounts.SignInAsync("leaving.user", Password, "", default)).Result);
    }

    [Fact]
    public async Task Lockout_AfterItsDuration_LetsTheRightPasswordIn()
    {
        await _accounts.AddAsync("forgetful", ConsoleRole.Analyst, Password, "admin", "", default);
        for (var i = 0; i < _options.MaxFailedSignIns; i++) await _accounts.SignInAsync("forgetful", "wrong password " + i, "", default);

        var locked = await _accounts.SignInAsync("forgetful", Password, "", default);
        _time.Advance(_options.LockoutDuration);
        var later = await _accounts.SignInAsync("forgetful", Password, "", default);

        Assert.Equal(SignInResult.LockedOut, locked.Result);
        Assert.Equal(SignInResult.Succeeded, later.Result);
    }

    [Fact]
    public async Task SecondFactor_EnrolledCode_AcceptedOnceThenTheNextStep()
    {
        await SignInAsync("careful.dpo");
        var user = (await _users.FindAsync("careful.dpo", default))!;
        var (secret, sealedSecret) = await _accounts.NewSecondFactorAsync(default);

        var wrong = await _accounts.EnrollSecondFactorAsync(user, sealedSecret, "000000", "", default);
        var enrolled = await _accounts.EnrollSecondFactorAsync(user, sealedSecret, SecondFactor.Compute(secret, _time.GetUtcNow()), "", default);
        user = (await _users.FindAsync("careful.dpo", default))!;
        var replayed = await _accounts.VerifySecondFactorAsync(user, SecondFactor.Compute(secret, _time.GetUtcNow()), "", default);
        _time.Advance(TimeSpan.FromSeconds(30));
        var next = await _accounts.VerifySecondFactorAsync(user, SecondFactor.Compute(secret, _time.GetUtcNow()), "", default);

        Assert.False(wrong);
        Assert.True(enrolled);
        Assert.True(user.HasSecondFactor);
        Assert.DoesNotContain(SecondFactor.ToBase32(secret), Convert.ToBase64String(user.TotpSecret!), StringComparison.Ordinal);
        Assert.False(replayed);
        Assert.True(next);
        Assert.Null((await _audit.VerifyAsync(default)).BrokenId);
    }

    [Fact]
    public async Task SecondFactor_FiveWrongCodes_LockTheAccountAndEndTheSession()
    {
        var wrong = await WithSecondFactorAsync("guessed");

        // Someone with the password alone: two wrong codes, a new sign-in (which must not clear the count), three more.
        var first = await _accounts.SignInAsync("guessed", Password, "", default);
        for (var i = 0; i < 2; i++) Assert.False(await _accounts.VerifySecondFactorAsync((await _users.FindAsync("guessed", default))!, wrong, "", default));
        var second = await _accounts.SignInAsync("guessed", Password, "", default);
        for (var i = 0; i < 2; i++) Assert.False(await _accounts.VerifySecondFactorAsync((await _users.FindAsync("guessed", default))!, wrong, "", default));
        var beforeFifth = await _sessions.ValidateAsync(second.Token!, default);
        Assert.False(await _accounts.VerifySecondFactorAsync((await _users.FindAsync("guessed", default))!, wrong, "", default));

        Assert.Equal(SignInResult.Succeeded, first.Result);
        Assert.Equal(SignInResult.Succeeded, second.Result);
        Assert.NotNull(beforeFifth.Session);
        Assert.Null((await _sessions.ValidateAsync(second.Token!, default)).Session);
        Assert.Null((await _sessions.ValidateAsync(first.Token!, default)).Session);
        Assert.NotNull((await _users.FindAsync("guessed", default))!.LockedUntil);
        Assert.Equal(SignInResult.LockedOut, (await _accounts.SignInAsync("guessed", Password, "", default)).Result);
        Assert.Single(await _audit.ReadAsync(new AuditFilter(Action: AuditActions.LockedOut), default));
    }

    [Fact]
    public async Task SecondFactor_SecretSealedUnderAnotherKey_IsRefused()
    {
        await SignInAsync("someone");
        var user = (await _users.FindAsync("someone", default))!;
        var secret = SecondFactor.NewSecret();
        var foreign = Convert.ToBase64String(SecondFactor.Seal(new byte[32], secret));

        Assert.False(await _accounts.EnrollSecondFactorAsync(user, foreign, SecondFactor.Compute(secret, _time.GetUtcNow()), "", default));
    }

    [Fact]
    public async Task SignIn_UnknownUserName_NeitherLoggedNorAuditedAsTyped()
    {
        const string typed = "my.secret.password";
        var logger = new FakeLogger<AccountService>();
        var accounts = new AccountService(_users, _sessions, _audit, new ConsoleSubKeys(_store.Keys), _time,
            Microsoft.Extensions.Options.Options.Create(_options), logger);

        var outcome = await accounts.SignInAsync(typed, "anything at all", "127.0.0.1", default);

        Assert.Equal(SignInResult.Failed, outcome.Result);
        var entry = Assert.Single(await _audit.ReadAsync(new AuditFilter(Action: AuditActions.SignInFailed), default));
        Assert.Equal(AccountService.UnknownName, entry.Actor);
        Assert.DoesNotContain(typed, entry.Actor + entry.Target + entry.Detail, StringComparison.Ordinal);
        var logged = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Contains(AccountService.UnknownName, logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(typed, logged.Message + string.Join(",", logged.StructuredState ?? []), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lockout_TwentyWrongPasswordsAtOnce_CountedOneByOneLockedOnceAndNoMoreThanTheLimitTried()
    {
        await _accounts.AddAsync("target", ConsoleRole.Analyst, Password, "admin", "", default);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => _accounts.SignInAsync("target", "guess " + i, "198.51.100.7", default))));

        // The count and the lockout are decided by one statement each attempt: exactly MaxFailedSignIns are counted
        // (and their passwords checked), the one that reaches it locks, every other is refused as locked.
        Assert.Equal(_options.MaxFailedSignIns - 1, outcomes.Count(o => o.Result == SignInResult.Failed));
        Assert.Equal(20 - _options.MaxFailedSignIns + 1, outcomes.Count(o => o.Result == SignInResult.LockedOut));
        var user = (await _users.FindAsync("target", default))!;
        Assert.Equal(_options.MaxFailedSignIns, user.FailedSignIns);
        Assert.Equal("2026-03-12T09:15:00.000Z", user.LockedUntil);
        var lockout = Assert.Single(await _audit.ReadAsync(new AuditFilter(Action: AuditActions.LockedOut), default));
        Assert.Equal(("target", "198.51.100.7"), (lockout.Actor, lockout.Address));
        Assert.Equal(SignInResult.LockedOut, (await _accounts.SignInAsync("target", Password, "", default)).Result);
    }

    [Fact]
    public async Task Lockout_RightPasswordAfterFourWrong_ClearsTheCountAndTheNextFourWrongDoNotLock()
    {
        await _accounts.AddAsync("typo", ConsoleRole.Analyst, Password, "admin", "", default);
        for (var i = 0; i < _options.MaxFailedSignIns - 1; i++) Assert.Equal(SignInResult.Failed, (await _accounts.SignInAsync("typo", "typo " + i, "", default)).Result);

        var right = await _accounts.SignInAsync("typo", Password, "", default);
        for (var i = 0; i < _options.MaxFailedSignIns - 1; i++) Assert.Equal(SignInResult.Failed, (await _accounts.SignInAsync("typo", "again " + i, "", default)).Result);

        Assert.Equal(SignInResult.Succeeded, right.Result);
        Assert.Null((await _users.FindAsync("typo", default))!.LockedUntil);
        Assert.Empty(await _audit.ReadAsync(new AuditFilter(Action: AuditActions.LockedOut), default));
    }

    [Fact]
    public async Task Lockout_SecondFactorUserRightPasswordAtTheLimit_GivesItsAttemptBackWithoutClearingTheCodesFailures()
    {
        var wrong = await WithSecondFactorAsync("two.factor");
        for (var i = 0; i < _options.MaxFailedSignIns - 1; i++) Assert.False(await _accounts.VerifySecondFactorAsync((await _users.FindAsync("two.factor", default))!, wrong, "", default));

        // This sign-in's attempt is the fifth: it locks while the password is checked, then gives the lock back.
        var again = await _accounts.SignInAsync("two.factor", Password, "", default);

        Assert.Equal(SignInResult.Succeeded, again.Result);
        var after = (await _users.FindAsync("two.factor", default))!;
        Assert.Equal((_options.MaxFailedSignIns - 1L, (string?)null), (after.FailedSignIns, after.LockedUntil));
        Assert.Empty(await _audit.ReadAsync(new AuditFilter(Action: AuditActions.LockedOut), default));
    }

    /// <summary>A person signed in with a second factor enrolled; returns a code that is wrong now (an hour ahead).</summary>
    private async Task<string> WithSecondFactorAsync(string name)
    {
        await SignInAsync(name);
        var user = (await _users.FindAsync(name, default))!;
        var (secret, sealedSecret) = await _accounts.NewSecondFactorAsync(default);
        Assert.True(await _accounts.EnrollSecondFactorAsync(user, sealedSecret, SecondFactor.Compute(secret, _time.GetUtcNow()), "", default));
        return SecondFactor.Compute(secret, _time.GetUtcNow().AddHours(1));
    }

    private async Task<string> SignInAsync(string name)
    {
        await _accounts.AddAsync(name, ConsoleRole.Dpo, Password, "admin", "", default);
        var outcome = await _accounts.SignInAsync(name, Password, "127.0.0.1", default);
        Assert.Equal(SignInResult.Succeeded, outcome.Result);
        return outcome.Token!;
    }

    public void Dispose()
    {
        _audit.Dispose();
        _store.Dispose();
        GC.SuppressFinalize(this);
    }
}
