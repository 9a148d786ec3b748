using Microsoft.Extensions.Options;
using Quartz;

namespace LeakWatch.Service.Operations;

/// <summary>What DataAnnotations cannot say: the purge schedule parses, the retention windows are positive.</summary>
internal sealed class OperationsOptionsValidator : IValidateOptions<OperationsOptions>
{
    public ValidateOptionsResult Validate(string? name, OperationsOptions options)
    {
        var failures = new List<string>();
        const string prefix = OperationsOptions.SectionName + ":Retention:";
        if (!IsCron(options.Retention.Schedule))
        {
            failures.Add($"{prefix}Schedule '{options.Retention.Schedule}' is not a valid Quartz cron expression (seconds first, e.g. 0 30 3 * * ?).");
        }
        foreach (var (setting, window) in new[]
        {
            ("Incidents", options.Retention.Incidents), ("SeenContent", options.Retention.SeenContent),
            ("CrawlState", options.Retention.CrawlState), ("Outbox", options.Retention.Outbox),
        })
        {
            if (window < TimeSpan.FromDays(1)) failures.Add($"{prefix}{setting} must be at least one day (1.00:00:00); it is {window}.");
        }
        if (options.EnrollmentMaxAge <= TimeSpan.Zero) failures.Add(OperationsOptions.SectionName + ":EnrollmentMaxAge must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsCron(string expression)
    {
        try
        {
            _ = new CronExpression(expression);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }
}
