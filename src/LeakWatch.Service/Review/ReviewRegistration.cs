using LeakWatch.Service.Accounts;
using LeakWatch.Service.Audit;
using LeakWatch.Service.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Review;

internal static class ReviewRegistration
{
    /// <summary>Accounts, the audit log and the case workflow (for the verbs too); the pages when the console is enabled.</summary>
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddAccounts();
        services.AddAudit();
        services.AddSingleton<CaseStore>();
        services.AddSingleton<AccountPages>();
        services.AddSingleton<IncidentPages>();
        services.AddSingleton<ReportPages>();
        services.AddSingleton<AdminPages>();
        services.AddSingleton<ConsoleEndpoints>();
        // Decided when the container is built, from the configuration the host reads: Enabled=false maps nothing.
        services.AddSingleton<IWebEndpoints>(sp => sp.GetRequiredService<IConfiguration>().GetValue(ConsoleOptions.SectionName + ":Enabled", true)
            ? sp.GetRequiredService<ConsoleEndpoints>()
            : DisabledWebEndpoints.Instance);
        return services;
    }

}
