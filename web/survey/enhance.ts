// Progressive enhancement for the server-rendered survey page (filled in with the survey routes).
export {};
