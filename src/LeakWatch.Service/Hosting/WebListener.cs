using System.Security.Cryptography.X509Certificates;
using LeakWatch.Service.Accounts;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Configuration;
using LeakWatch.Service.Review;
using LeakWatch.Service.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Hosting;

/// <summary>
/// The service's one web listener (<c>LeakWatch:Console:Urls</c>): an ASP.NET Core application started by
/// <c>leakwatch run</c> when at least one <see cref="IWebEndpoints"/> is registered, mapping every one. Every route
/// needs a signed-in person whose session is ready, unless its endpoint opts out with <c>.AllowAnonymous()</c>
/// (health, metrics, the sign-in page). Security headers go on every answer; HTTPS and HSTS when a certificate is set.
/// </summary>
/// <remarks>
/// The application has its own small container (the framework's services). Requests see it first and the service's
/// container after it, so endpoints and handlers can take LeakWatch's services as parameters (<c>[FromServices]</c>).
/// </remarks>
internal sealed class WebListener(
    IServiceProvider services,
    IEnumerable<IWebEndpoints> endpoints,
    IOptions<ConsoleOptions> options,
    ILoggerFactory loggerFactory,
    TimeProvider time) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<WebListener>();
    private WebApplication? _app;

    /// <summary>The addresses bound, once started (port 0 resolved): for tests and the start-up log line.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <summary>The routes mapped, once started: tests walk them to prove none is open by mistake.</summary>
    public IReadOnlyList<RouteEndpoint> Routes { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var all = endpoints.Where(e => e is not DisabledWebEndpoints).ToList();
        if (all.Count == 0)
        {
            WebListenerLog.Idle(_logger);
            return;
        }
        var settings = options.Value;
        _app = Build(settings, all);
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw new LeakWatchException($"LeakWatch:Console:Urls: cannot listen on {settings.Urls} ({e.Message}).", ExitCodes.BadConfiguration);
        }
        var server = _app.Services.GetRequiredService<IServer>();
        Addresses = [.. (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Select(a => new Uri(a))];
        Routes = [.. _app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()];
        var bound = string.Join(", ", Addresses);
        WebListenerLog.Listening(_logger, bound, all.Count);
        if (settings.TrustedProxies.Count > 0)
        {
            var proxies = string.Join(", ", settings.TrustedProxies);
            WebListenerLog.TrustedProxies(_logger, proxies, settings.ForwardedHops);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    private WebApplication Build(ConsoleOptions settings, IReadOnlyList<IWebEndpoints> all)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            // Never the developer exception page, whatever ASPNETCORE_ENVIRONMENT says.
            EnvironmentName = Environments.Production,
        });
        // The listener reads LeakWatch's settings only, never ASPNETCORE_URLS or a Kestrel section by surprise.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(time);

        var certificate = LoadCertificate(settings);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls(settings.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1 << 20;
            if (certificate is not null) kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
        });

        // Anti-forgery tokens only: keys in memory, so none is written to disk (a restart only invalidates open forms;
        // sessions are server-side and survive it).
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "leakwatch-antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = ConsolePage.AntiforgeryField;
            o.SuppressXFrameOptionsHeader = true;
        });
        builder.Services.AddAuthentication(SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        // The handler needs LeakWatch's services (sessions, accounts, audit): built against both containers.
        builder.Services.AddTransient(sp => ActivatorUtilities.CreateInstance<SessionAuthenticationHandler>(new FallbackServiceProvider(sp, services)));
        builder.Services.AddRateLimiter(limiter => SignInRateLimit.Configure(limiter, settings));
        var forwarded = settings.TrustedProxies.Count > 0;
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true (set by some container platforms) makes the framework register its own
        // forwarded-headers setup, options that trust every caller, before the configuration is cleared above. Its
        // start-up filter reads the cleared configuration and so stays out (ASP.NET Core 10); should that change, the
        // options in the container believe nothing anyway, and the listener's own middleware below has options of its own.
        builder.Services.Configure<ForwardedHeadersOptions>(TrustedProxies.BelieveNothing);
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(ReadyPolicy())
            .AddPolicy(WebPolicies.SignedIn, p => p.RequireAuthenticatedUser());
        // HSTS on HTTPS answers: the listener's own, or a trusted proxy's (X-Forwarded-Proto).
        var hsts = certificate is not null || forwarded;
        if (hsts)
        {
            builder.Services.AddHsts(o =>
            {
                o.MaxAge = TimeSpan.FromDays(365);
                // The default list spares localhost; a console served over HTTPS asks for HTTPS everywhere.
                o.ExcludedHosts.Clear();
            });
        }

        var app = builder.Build();
        // First of all: the client address and scheme that everything after it sees (rate limit, audit, Secure cookies,
        // HSTS) are the forwarded ones, believed only from the trusted proxies and only as many hops as set. Without
        // any, the middleware is left out: the framework's own defaults would trust loopback.
        if (forwarded) app.UseForwardedHeaders(TrustedProxies.Options(settings.TrustedProxies, settings.ForwardedHops));
        app.Use((context, next) =>
        {
            context.RequestServices = new FallbackServiceProvider(context.RequestServices, services);
            return next(context);
        });
        app.Use(SecurityHeaders);
        app.UseExceptionHandler(error => error.Run(context =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("LeakWatch: internal error; see the service log.");
        }));
        app.UseStatusCodePages(context => context.HttpContext.Response.HasStarted || context.HttpContext.Response.ContentLength > 0
            ? Task.CompletedTask
            : ConsolePage.WriteStatusAsync(context.HttpContext));
        if (hsts) app.UseHsts();
        app.UseRouting();
        app.UseRateLimiter(); // before authentication: a refused sign-in costs no database work
        app.UseAuthentication();
        app.UseAuthorization();
        // Every feature's route needs a ready session unless it says .AllowAnonymous() or names the signed-in policy
        // (the steps of signing in); roles and other policies add to the ready session, never replace it (an
        // [Authorize(Roles = ...)] alone does not bring in the default policy). Applied once all conventions ran
        // (rather than as a fallback policy, which would also answer unknown paths with a sign-in page instead of 404).
        var routes = app.MapGroup("");
        ((IEndpointConventionBuilder)routes).Finally(endpoint =>
        {
            if (!endpoint.Metadata.OfType<IAllowAnonymous>().Any()
                && !endpoint.Metadata.OfType<IAuthorizeData>().Any(a => a.Policy == WebPolicies.SignedIn))
            {
                endpoint.Metadata.Add(new AuthorizeAttribute());
            }
        });
        foreach (var feature in all) feature.Map(routes);
        return app;
    }

    private static AuthorizationPolicy ReadyPolicy() => new AuthorizationPolicyBuilder(SessionAuthenticationHandler.SchemeName)
        .RequireAuthenticatedUser()
        .RequireClaim(SessionStages.Claim, SessionStages.Ready)
        .Build();

    private static Task SecurityHeaders(HttpContext context, Func<Task> next)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            if (!headers.ContainsKey("Cache-Control")) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next();
    }

    private static X509Certificate2? LoadCertificate(ConsoleOptions settings)
    {
        if (string.IsNullOrWhiteSpace(settings.CertificateFile)) return null;
        var password = string.IsNullOrWhiteSpace(settings.CertificatePasswordFile)
            ? null
            : File.ReadLines(settings.CertificatePasswordFile).FirstOrDefault()?.Trim();
        try
        {
            return settings.CertificateFile.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || settings.CertificateFile.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
                ? X509Certificate2.CreateFromPemFile(settings.CertificateFile, settings.CertificateKeyFile)
                : X509CertificateLoader.LoadPkcs12FromFile(settings.CertificateFile, password);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new LeakWatchException($"LeakWatch:Console:CertificateFile '{settings.CertificateFile}' cannot be loaded ({e.Message}).", ExitCodes.BadConfiguration);
        }
    }

    /// <summary>The request's services first (framework), the service's after (LeakWatch's features).</summary>
    private sealed class FallbackServiceProvider(IServiceProvider primary, IServiceProvider fallback) : IServiceProvider, IServiceProviderIsService
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(IServiceProviderIsService) ? this : primary.GetService(serviceType) ?? fallback.GetService(serviceType);

        public bool IsService(Type serviceType) =>
            (primary.GetService(typeof(IServiceProviderIsService)) as IServiceProviderIsService)?.IsService(serviceType) == true
            || (fallback.GetService(typeof(IServiceProviderIsService)) as IServiceProviderIsService)?.IsService(serviceType) == true;
    }
}

internal static class WebListenerRegistration
{
    /// <summary>The listener and its settings. It starts with the host (<c>run</c>) when some feature registered endpoints.</summary>
    public static IServiceCollection AddWebListener(this IServiceCollection services)
    {
        services.AddStrictOptions<ConsoleOptions>(ConsoleOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidator>();
        services.AddSingleton<WebListener>();
        services.AddHostedService(sp => sp.GetRequiredService<WebListener>());
        return services;
    }
}

/// <summary>The listener's log events (kept here rather than in Hosting's shared Log class).</summary>
internal static partial class WebListenerLog
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "No web endpoints registered (console disabled): the web listener is not started")]
    public static partial void Idle(ILogger logger);

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "Web listener on {Addresses} ({Features} features)")]
    public static partial void Listening(ILogger logger, string addresses, int features);

    [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "Web listener believes X-Forwarded-For and X-Forwarded-Proto from {Proxies} only, {Hops} hop(s) back")]
    public static partial void TrustedProxies(ILogger logger, string proxies, int hops);
}
