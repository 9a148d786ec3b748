using System.Globalization;
using System.Threading.RateLimiting;
using LeakWatch.Service.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Review;

/// <summary>
/// ASP.NET Core rate limiting on the sign-in forms (password and second-factor code), per client address: a fixed window
/// of <see cref="ConsoleOptions.SignInAttempts"/> per <see cref="ConsoleOptions.SignInWindow"/>. The account lockout
/// stops guessing one person's password; this stops one address from trying names, or codes, as fast as it can. Past
/// the limit the answer is 429 with Retry-After and a page that says why; nothing is queued. Rejections are logged, not
/// audited, so that a flood cannot fill the append-only audit log.
/// </summary>
internal static class SignInRateLimit
{
    public const string PolicyName = "sign-in";

    public static void Configure(RateLimiterOptions limiter, ConsoleOptions settings)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.AddPolicy(PolicyName, context => RateLimitPartition.GetFixedWindowLimiter(
            AccountPages.Address(context),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.SignInAttempts, Window = settings.SignInWindow, QueueLimit = 0, AutoReplenishment = true }));
        limiter.OnRejected = (rejected, _) =>
        {
            var context = rejected.HttpContext;
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : settings.SignInWindow;
            var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRateLimit).FullName!);
            Accounts.Log.SignInThrottled(logger, AccountPages.Address(context), context.Request.Path.Value ?? "", settings.SignInAttempts, settings.SignInWindow);
            // The body is the console's status page for 429 (ConsolePage.WriteStatusAsync), written by the status-code pages.
            return ValueTask.CompletedTask;
        };
    }
}
