package worksectiontest

import ws "github.com/worksection-go/worksection"

// Task is a task of the fake account, with its subscribers' emails.
type Task struct {
	ID          ws.ID
	ProjectID   ws.ID
	Name        string
	Subscribers []string
}

// Project is a project of the fake account, with its members' emails.
type Project struct {
	ID      ws.ID
	Name    string
	Company string // the folder the project is in
	Members []string
}

// Seed is the state a Server starts from.
type Seed struct {
	Users         []ws.User
	UserGroups    []ws.UserGroup
	Contacts      []ws.Contact
	ContactGroups []ws.ContactGroup // custom folders; the four presets are always there
	Projects      []Project         // a task's project is created if not listed
	Tasks         []Task
	// Schedules marks members' days: user id -> "YYYY-MM-DD" -> "vacation",
	// "sick-leave" or "workday".
	Schedules map[ws.ID]map[string]string
	// DefaultRate is the hourly rate the account gives a member add_user
	// invites: the recorded answer carries one ("rate": 11).
	DefaultRate float64
}

// presetFolders are created by Worksection in every account, with numeric ids.
var presetFolders = []ws.ContactGroup{
	{ID: "1", Title: "USERS", Type: ws.ContactGroupPreset},
	{ID: "2", Title: "DEFAULT", Type: ws.ContactGroupPreset},
	{ID: "3", Title: "TEAM_ONLY", Type: ws.ContactGroupPreset},
	{ID: "4", Title: "HIDDEN", Type: ws.ContactGroupPreset},
}

func f(v float64) *float64 { return &v }

// DefaultSeed is a realistic small account: an owner, admins, users, a
// guest and a reader across several teams (one an external client team),
// contacts with optional fields missing (one with no email), custom contact
// folders beside the presets, projects with members, tasks with
// subscribers, and marked days in some members' schedules.
func DefaultSeed() Seed {
	seed := Seed{
		DefaultRate: 11,
		UserGroups: []ws.UserGroup{
			{ID: "2977", Title: "Management", Type: "company"},
			{ID: "2978", Title: "Development", Type: "company"},
			{ID: "2979", Title: "Design", Type: "company"},
			{ID: "2980", Title: "Northwind Traders", Type: "company", Client: true},
		},
		Users: []ws.User{
			{ID: "3993", FirstName: "John", LastName: "Smith", Title: "CEO", Rate: f(60), Group: "Management",
				Role: ws.RoleOwner, Email: "john.smith@acme.example", Phone: "+1 555 0100", Address: "1 Main St, Springfield",
				DateAdded: "2021-03-04 09:15"},
			{ID: "3994", FirstName: "Kate", LastName: "Greenway", Title: "CTO", Rate: f(45.5), Group: "Development",
				Role: ws.RoleAccountAdmin, Email: "kate.greenway@acme.example", DateAdded: "2021-03-05 10:00"},
			{ID: "3995", FirstName: "Олег", LastName: "Коваль", Title: "Team lead", Group: "Development", Department: "Backend",
				Role: ws.RoleTeamAdmin, Email: "oleg.koval@acme.example", Phone3: "+380 67 000 0000", DateAdded: "2022-01-10 08:30"},
			{ID: "3996", FirstName: "Maria", LastName: "García", Title: "Head of design", Group: "Design", Department: "UX",
				Role: ws.RoleDepartmentAdmin, Email: "maria.garcia@acme.example", DateAdded: "2022-02-14 12:00"},
			{ID: "3997", FirstName: "Liam", LastName: "O'Brien", Title: "Developer", Rate: f(30), Group: "Development",
				Department: "Backend", Role: ws.RoleUser, Email: "liam.obrien@acme.example", DateAdded: "2023-05-02 09:00"},
			{ID: "3998", FirstName: "Yuki", LastName: "Tanaka", Title: "Designer", Group: "Design", Department: "UX",
				Role: ws.RoleUser, Email: "yuki.tanaka@acme.example", DateAdded: "2023-06-19 16:45"},
			{ID: "3999", FirstName: "Peter", LastName: "Novak", Title: "Purchasing", Group: "Northwind Traders",
				Role: ws.RoleGuest, Email: "peter@northwind.example", DateAdded: "2024-09-01 11:20"},
			{ID: "4000", FirstName: "Ann", LastName: "Auditor", Group: "Management",
				Role: ws.RoleReader, Email: "ann.auditor@acme.example", DateAdded: "2025-01-15 14:00"},
		},
		ContactGroups: []ws.ContactGroup{
			{ID: "4178", Title: "Clients", Type: ws.ContactGroupFolder},
			{ID: "4179", Title: "Suppliers", Type: ws.ContactGroupFolder},
		},
		Contacts: []ws.Contact{
			{ID: "5606", FirstName: "Brian", LastName: "Dragonfly", Title: "Sales manager", Group: "Clients",
				Email: "brian@dragonfly.example", Phone: "+44 20 0000 0000", Phone2: "+44 20 0000 0001",
				Address: "10 Downing Lane, London"},
			{ID: "5607", FirstName: "Steve", LastName: "Powerhold", Group: "DEFAULT", Phone: "+1 555 0199"},
			{ID: "5608", FirstName: "Zoë", LastName: "Müller", Title: "Partner", Group: "Suppliers", Email: "zoe@mueller.example"},
			{ID: "5609", FirstName: "Chen", LastName: "Wei", Title: "Accountant", Group: "Clients", Email: "chen.wei@client.example",
				Phone3: "+86 10 0000 0000"},
		},
		Projects: []Project{
			{ID: "26", Name: "Website relaunch", Company: "Acme", Members: []string{"john.smith@acme.example", "kate.greenway@acme.example",
				"oleg.koval@acme.example", "maria.garcia@acme.example"}},
			{ID: "27", Name: "Finance", Company: "Acme", Members: []string{"john.smith@acme.example", "ann.auditor@acme.example"}},
			{ID: "28", Name: "Northwind portal", Company: "Northwind Traders"},
		},
		Schedules: map[ws.ID]map[string]string{
			"3994": {"2026-07-06": "vacation", "2026-07-07": "vacation", "2026-07-08": "vacation"},
			"3995": {"2026-03-02": "sick-leave", "2026-03-07": "workday"},
			"3998": {"2026-12-24": "vacation", "2026-12-31": "vacation"},
		},
		Tasks: []Task{
			{ID: "1201", ProjectID: "26", Name: "Launch the website", Subscribers: []string{"john.smith@acme.example", "kate.greenway@acme.example"}},
			{ID: "1202", ProjectID: "26", Name: "Write the API docs", Subscribers: []string{"oleg.koval@acme.example"}},
			{ID: "1203", ProjectID: "27", Name: "Quarterly report"},
		},
	}
	for i := range seed.Users {
		seed.Users[i].Avatar = "https://acme.worksection.com/images/avatar/" + string(seed.Users[i].ID) + ".png"
	}
	return seed
}
