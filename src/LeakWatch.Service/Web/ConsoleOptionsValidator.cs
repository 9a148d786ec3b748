using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Web;

/// <summary>Checks <see cref="ConsoleOptions"/> at start; every failure names its setting.</summary>
internal sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions options)
    {
        var failures = new List<string>();
        var https = false;
        foreach (var url in (options.Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"LeakWatch:Console:Urls '{url}' is not an http or https URL.");
                continue;
            }
            https |= uri.Scheme == Uri.UriSchemeHttps;
        }
        if (https && string.IsNullOrWhiteSpace(options.CertificateFile))
        {
            failures.Add("LeakWatch:Console:Urls has an https URL but LeakWatch:Console:CertificateFile is not set.");
        }
        if (!string.IsNullOrWhiteSpace(options.CertificateFile) && !File.Exists(options.CertificateFile))
        {
            failures.Add($"LeakWatch:Console:CertificateFile '{options.CertificateFile}' does not exist.");
        }
        if (!string.IsNullOrWhiteSpace(options.CertificateKeyFile) && !File.Exists(options.CertificateKeyFile))
        {
            failures.Add($"LeakWatch:Console:CertificateKeyFile '{options.CertificateKeyFile}' does not exist.");
        }
        if (!string.IsNullOrWhiteSpace(options.CertificatePasswordFile) && !File.Exists(options.CertificatePasswordFile))
        {
            failures.Add($"LeakWatch:Console:CertificatePasswordFile '{options.CertificatePasswordFile}' does not exist.");
        }
        foreach (var entry in options.TrustedProxies)
        {
            if (TrustedProxies.Check(entry, out _) is { } problem) failures.Add(problem);
        }
        if (options.IdleTimeout <= TimeSpan.Zero) failures.Add("LeakWatch:Console:IdleTimeout must be positive.");
        if (options.AbsoluteTimeout < options.IdleTimeout) failures.Add("LeakWatch:Console:AbsoluteTimeout must be at least LeakWatch:Console:IdleTimeout.");
        if (options.LockoutDuration <= TimeSpan.Zero) failures.Add("LeakWatch:Console:LockoutDuration must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
