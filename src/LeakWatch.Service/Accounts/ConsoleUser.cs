namespace LeakWatch.Service.Accounts;

/// <summary>analyst: reads and comments; dpo: also decides and reports; admin: users and settings only.</summary>
internal enum ConsoleRole
{
    Analyst,
    Dpo,
    Admin,
}

internal static class ConsoleRoles
{
    public const string Analyst = "analyst";
    public const string Dpo = "dpo";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Analyst, Dpo, Admin];

    public static string Name(ConsoleRole role) => role switch
    {
        ConsoleRole.Analyst => Analyst,
        ConsoleRole.Dpo => Dpo,
        _ => Admin,
    };

    public static bool TryParse(string? text, out ConsoleRole role)
    {
        role = ConsoleRole.Analyst;
        switch (text?.Trim().ToLowerInvariant())
        {
            case Analyst: role = ConsoleRole.Analyst; return true;
            case Dpo: role = ConsoleRole.Dpo; return true;
            case Admin: role = ConsoleRole.Admin; return true;
            default: return false;
        }
    }
}

/// <summary>A <c>console_users</c> row (a class with init properties: Dapper converts SQLite's integers to bool for it).</summary>
internal sealed class ConsoleUser
{
    public const string Columns =
        "id AS Id, name AS Name, role AS Role, password_hash AS PasswordHash, must_change_password AS MustChangePassword, " +
        "disabled AS Disabled, failed_sign_ins AS FailedSignIns, locked_until AS LockedUntil, totp_secret AS TotpSecret, " +
        "totp_last_step AS TotpLastStep, created_at AS CreatedAt, created_by AS CreatedBy";

    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string Role { get; init; } = "";
    public string PasswordHash { get; init; } = "";
    public bool MustChangePassword { get; init; }
    public bool Disabled { get; init; }
    public long FailedSignIns { get; init; }
    public string? LockedUntil { get; init; }
    public byte[]? TotpSecret { get; init; }
    public long? TotpLastStep { get; init; }
    public string CreatedAt { get; init; } = "";
    public string CreatedBy { get; init; } = "";

    public bool HasSecondFactor => TotpSecret is not null;

    public override string ToString() => "ConsoleUser(" + Name + ", " + Role + ")";
}
