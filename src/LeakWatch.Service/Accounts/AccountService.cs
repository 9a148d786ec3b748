using System.Security.Cryptography;
using System.Text.RegularExpressions;
using LeakWatch.Service.Audit;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Accounts;

internal enum SignInResult
{
    Succeeded,
    Failed,
    LockedOut,
}

internal sealed record SignInOutcome(SignInResult Result, string? Token = null, ConsoleUser? User = null);

/// <summary>
/// People and their credentials: one-time passwords that must be changed, ASP.NET Core Identity's password hasher,
/// lockout after repeated failures, an optional TOTP second factor, and an audit entry for every change and sign-in.
/// </summary>
internal sealed partial class AccountService(
    UserStore users,
    SessionStore sessions,
    AuditLog audit,
    ConsoleSubKeys subKeys,
    TimeProvider time,
    IOptions<ConsoleOptions> options,
    ILogger<AccountService> logger)
{
    public const int MinPasswordLength = 12;

    /// <summary>Recorded in place of a user name that matches no account (it may be a password typed in the wrong box).</summary>
    public const string UnknownName = "(unknown name)";
    private const string SecondFactorSettingPrefix = "second-factor.required.";
    private static readonly PasswordHasher<ConsoleUser> Hasher = new();
    // Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
    private static readonly string DummyHash = Hasher.HashPassword(new ConsoleUser(), "not-a-password-of-anyone");

    public static string? NameProblem(string? name) =>
        name is not null && NamePattern().IsMatch(name) ? null
            : "A user name is 2 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.";

    public static string? PasswordProblem(string name, string? password)
    {
        if (password is null || password.Length < MinPasswordLength) return $"A password has at least {MinPasswordLength} characters.";
        if (password.Length > 256) return "A password has at most 256 characters.";
        if (password.Contains(name, StringComparison.OrdinalIgnoreCase)) return "A password must not contain the user name.";
        return null;
    }

    /// <summary>Adds a person. Returns the one-time password (generated unless given), to be changed at first sign-in.</summary>
    public async Task<string> AddAsync(string name, ConsoleRole role, string? password, string actor, string address, CancellationToken cancellationToken)
    {
        if (NameProblem(name) is { } badName) throw new LeakWatchException(badName, ExitCodes.BadConfiguration);
        password ??= NewOneTimePassword();
        if (PasswordProblem(name, password) is { } badPassword) throw new LeakWatchException(badPassword, ExitCodes.BadConfiguration);
        var user = new ConsoleUser { Name = name };
        if (!await users.InsertAsync(name, ConsoleRoles.Name(role), Hasher.HashPassword(user, password), time.GetUtcNow(), actor, cancellationToken))
        {
            throw new LeakWatchException($"A user named {name} already exists.", ExitCodes.BadConfiguration);
        }
        var roleName = ConsoleRoles.Name(role);
        await audit.AppendAsync(new AuditEvent(actor, AuditActions.UserAdded, AuditActions.UserTarget(name), "role " + roleName, address), cancellationToken);
        Log.UserAdded(logger, name, roleName, actor);
        return password;
    }

    /// <summary>A new one-time password; the lockout and the second factor are cleared and every session ends.</summary>
    public async Task<string> ResetAsync(string name, string actor, string address, CancellationToken cancellationToken)
    {
        var user = await RequireAsync(name, cancellationToken);
        var password = NewOneTimePassword();
        await users.SetPasswordAsync(user.Id, Hasher.HashPassword(user, password), mustChange: true, cancellationToken);
        await sessions.RevokeUserAsync(user.Id, keepToken: null, cancellationToken);
        await audit.AppendAsync(new AuditEvent(actor, AuditActions.UserReset, AuditActions.UserTarget(user.Name), "one-time password, second factor cleared", address), cancellationToken);
        Log.UserReset(logger, user.Name, actor);
        return password;
    }

    public async Task DisableAsync(string name, string actor, string address, CancellationToken cancellationToken)
    {
        var user = await RequireAsync(name, cancellationToken);
        await users.SetDisabledAsync(user.Id, cancellationToken);
        await sessions.RevokeUserAsync(user.Id, keepToken: null, cancellationToken);
        await audit.AppendAsync(new AuditEvent(actor, AuditActions.UserDisabled, AuditActions.UserTarget(user.Name), "", address), cancellationToken);
        Log.UserDisabled(logger, user.Name, actor);
    }

    public async Task<SignInOutcome> SignInAsync(string name, string password, string address, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var user = NameProblem(name) is null ? await users.FindAsync(name, cancellationToken) : null;
        if (user is null)
        {
            Hasher.VerifyHashedPassword(new ConsoleUser(), DummyHash, password);
            // The name typed may be anything (a password typed in the wrong box): an unknown one is never recorded.
            await FailedAsync(UnknownName, "unknown user", address, cancellationToken);
            return new SignInOutcome(SignInResult.Failed);
        }
        if (user.Disabled)
        {
            await FailedAsync(user.Name, "account disabled", address, cancellationToken);
            return new SignInOutcome(SignInResult.Failed);
        }
        // The attempt is counted as failed before the (slow) password check and taken back if the password is right, so
        // parallel guesses cannot all be checked against a count none of them has raised yet: at most MaxFailedSignIns
        // passwords are ever tried per lockout, however many requests arrive at once.
        var attempt = await TakeAttemptAsync(user, now, cancellationToken);
        if (attempt is null)
        {
            await FailedAsync(user.Name, "account locked", address, cancellationToken);
            return new SignInOutcome(SignInResult.LockedOut);
        }
        var verified = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verified == PasswordVerificationResult.Failed)
        {
            await FailedAsync(user.Name, "wrong password", address, cancellationToken);
            var locked = await LockedByAsync(user, attempt, address, cancellationToken);
            return new SignInOutcome(locked ? SignInResult.LockedOut : SignInResult.Failed);
        }
        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.SetPasswordAsync(user.Id, Hasher.HashPassword(user, password), user.MustChangePassword, cancellationToken);
        }
        // With a second factor the count goes on until the code is given: signing in again must not clear the codes'
        // failures, only give back this attempt's.
        if (user.HasSecondFactor) await users.GiveBackAttemptAsync(user.Id, attempt, cancellationToken);
        else await users.SetFailuresAsync(user.Id, 0, null, cancellationToken);
        var token = await sessions.CreateAsync(user.Id, secondFactorDone: false, cancellationToken);
        await audit.AppendAsync(new AuditEvent(user.Name, AuditActions.SignIn, AuditActions.UserTarget(user.Name),
            user.HasSecondFactor ? "password; second factor asked" : "password", address), cancellationToken);
        return new SignInOutcome(SignInResult.Succeeded, token, user);
    }

    /// <returns>Why the change was refused, or null when it was made (other sessions of the user end).</returns>
    public async Task<string?> ChangePasswordAsync(ConsoleUser user, string current, string next, string? confirmation, string currentToken, string address, CancellationToken cancellationToken)
    {
        if (Hasher.VerifyHashedPassword(user, user.PasswordHash, current) == PasswordVerificationResult.Failed) return "The current password is wrong.";
        if (!string.Equals(next, confirmation, StringComparison.Ordinal)) return "The two new passwords differ.";
        if (PasswordProblem(user.Name, next) is { } problem) return problem;
        if (string.Equals(current, next, StringComparison.Ordinal)) return "The new password must differ from the current one.";
        await users.SetPasswordAsync(user.Id, Hasher.HashPassword(user, next), mustChange: false, cancellationToken);
        await sessions.RevokeUserAsync(user.Id, currentToken, cancellationToken);
        await audit.AppendAsync(new AuditEvent(user.Name, AuditActions.PasswordChanged, AuditActions.UserTarget(user.Name),
            user.MustChangePassword ? "one-time password replaced" : "", address), cancellationToken);
        return null;
    }

    public async Task<bool> IsSecondFactorRequiredAsync(string role, CancellationToken cancellationToken) =>
        await users.GetSettingAsync(SecondFactorSettingPrefix + role, cancellationToken) == "true";

    public async Task SetSecondFactorRequiredAsync(string role, bool required, string actor, string address, CancellationToken cancellationToken)
    {
        if (await IsSecondFactorRequiredAsync(role, cancellationToken) == required) return;
        await users.SetSettingAsync(SecondFactorSettingPrefix + role, required ? "true" : "false", cancellationToken);
        await audit.AppendAsync(new AuditEvent(actor, AuditActions.SettingChanged, "setting/" + SecondFactorSettingPrefix + role, required ? "required" : "optional", address), cancellationToken);
    }

    /// <summary>A fresh secret to show once, and the same sealed for the enrollment form's hidden field.</summary>
    public async Task<(byte[] Secret, string Sealed)> NewSecondFactorAsync(CancellationToken cancellationToken)
    {
        var secret = SecondFactor.NewSecret();
        var key = await subKeys.GetAsync(ConsoleSubKeys.SecondFactorPurpose, cancellationToken);
        return (secret, Convert.ToBase64String(SecondFactor.Seal(key, secret)));
    }

    /// <summary>Turns the second factor on when the code proves the person's app holds the secret.</summary>
    public async Task<bool> EnrollSecondFactorAsync(ConsoleUser user, string sealedSecret, string? code, string address, CancellationToken cancellationToken)
    {
        var key = await subKeys.GetAsync(ConsoleSubKeys.SecondFactorPurpose, cancellationToken);
        var bytes = new byte[sealedSecret.Length];
        var secret = Convert.TryFromBase64String(sealedSecret, bytes, out var length) ? SecondFactor.Unseal(key, bytes[..length]) : null;
        if (secret is null || SecondFactor.Verify(secret, code, time.GetUtcNow()) is not { } step) return false;
        await users.SetSecondFactorAsync(user.Id, SecondFactor.Seal(key, secret), step, cancellationToken);
        await audit.AppendAsync(new AuditEvent(user.Name, AuditActions.SecondFactorEnrolled, AuditActions.UserTarget(user.Name), "", address), cancellationToken);
        return true;
    }

    public async Task<bool> VerifySecondFactorAsync(ConsoleUser user, string? code, string address, CancellationToken cancellationToken)
    {
        var key = await subKeys.GetAsync(ConsoleSubKeys.SecondFactorPurpose, cancellationToken);
        var secret = user.TotpSecret is null ? null : SecondFactor.Unseal(key, user.TotpSecret);
        if (secret is not null && SecondFactor.Verify(secret, code, time.GetUtcNow()) is { } step
            && await users.UseSecondFactorStepAsync(user.Id, step, cancellationToken))
        {
            await users.SetFailuresAsync(user.Id, 0, null, cancellationToken);
            return true;
        }
        // Wrong codes count toward the same lockout as wrong passwords; the lockout ends the person's sessions.
        await audit.AppendAsync(new AuditEvent(user.Name, AuditActions.SecondFactorFailed, AuditActions.UserTarget(user.Name), "", address), cancellationToken);
        var attempt = await TakeAttemptAsync(user, time.GetUtcNow(), cancellationToken);
        // Null: another request locked the account meanwhile (and audited it); its sessions end all the same.
        var locked = attempt is null || await LockedByAsync(user, attempt, address, cancellationToken);
        if (locked) await sessions.RevokeUserAsync(user.Id, null, cancellationToken);
        return false;
    }

    /// <summary>Counts one attempt as failed, atomically with the lockout check; null when the account is locked now.</summary>
    private Task<SignInAttempt?> TakeAttemptAsync(ConsoleUser user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        return users.TakeAttemptAsync(user.Id, now, settings.MaxFailedSignIns, now + settings.LockoutDuration, cancellationToken);
    }

    /// <summary>Audits and logs the lockout when this failed attempt is the one that set it (exactly one of parallel attempts does).</summary>
    private async Task<bool> LockedByAsync(ConsoleUser user, SignInAttempt attempt, string address, CancellationToken cancellationToken)
    {
        if (attempt.LockedUntil is null) return false;
        await audit.AppendAsync(new AuditEvent(user.Name, AuditActions.LockedOut, AuditActions.UserTarget(user.Name),
            $"{attempt.Failures} failed sign-ins; locked until {attempt.LockedUntil}", address), cancellationToken);
        Log.LockedOut(logger, user.Name, attempt.Failures);
        return true;
    }

    private async Task<ConsoleUser> RequireAsync(string name, CancellationToken cancellationToken) =>
        await users.FindAsync(name, cancellationToken) ?? throw new LeakWatchException($"No user named {name}.", ExitCodes.BadConfiguration);

    private async Task FailedAsync(string name, string reason, string address, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(new AuditEvent(name, AuditActions.SignInFailed, AuditActions.UserTarget(name), reason, address), cancellationToken);
        Log.SignInFailed(logger, name, reason);
    }

    /// <summary>About 99 bits from an alphabet without look-alike characters, in groups easy to read out.</summary>
    public static string NewOneTimePassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 20);
        return string.Join('-', Enumerable.Range(0, 4).Select(i => new string(chars, i * 5, 5)));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
