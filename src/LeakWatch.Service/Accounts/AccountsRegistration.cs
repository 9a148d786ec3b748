using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Accounts;

internal static class AccountsRegistration
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton<UserStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<AccountService>();
        return services;
    }
}
