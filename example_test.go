package worksection_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	ws "github.com/worksection-go/worksection"
	"github.com/worksection-go/worksection/worksectiontest"
)

func ExampleNewClient() {
	// A real account: ws.NewClient("https://acme.worksection.com", ws.WithAPIKey(key)).
	// Here the fake server stands in for it.
	srv := worksectiontest.NewServer()
	defer srv.Close()

	c, err := ws.NewClient(srv.URL, ws.WithAPIKey(srv.APIKey))
	if err != nil {
		log.Fatal(err)
	}
	users, err := c.GetUsers(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range users[:3] {
		fmt.Printf("%s  %-14s %s\n", u.ID, u.Name, u.Role)
	}
	// Output:
	// 3993  John Smith     owner
	// 3994  Kate Greenway  account admin
	// 3995  Олег Коваль    team admin
}

func ExampleClient_AddUser() {
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client()

	u, err := c.AddUser(context.Background(), ws.AddUserParams{
		Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Group: "Development", Role: ws.RoleGuest,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Name, u.Role, u.Group)
	// Output: Ada Lovelace guest Development
}

func ExampleClient_Subscribe() {
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client()

	err := c.Subscribe(context.Background(), ws.SubscribeParams{TaskID: "1201", Email: "yuki.tanaka@acme.example"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(srv.TaskSubscribers("1201"))
	// Output: [john.smith@acme.example kate.greenway@acme.example yuki.tanaka@acme.example]
}

func ExampleClient_Me() {
	srv := worksectiontest.NewServer()
	defer srv.Close()

	c, err := ws.NewClient(srv.URL, ws.WithAccessToken(srv.NewAccessToken("kate.greenway@acme.example")))
	if err != nil {
		log.Fatal(err)
	}
	me, err := c.Me(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.Name, me.Email)
	// Output: Kate Greenway kate.greenway@acme.example
}

func ExampleAPIError() {
	srv := worksectiontest.NewServer()
	defer srv.Close()
	c := srv.Client()

	err := c.Subscribe(context.Background(), ws.SubscribeParams{TaskID: "999", Email: "yuki.tanaka@acme.example"})
	var apiErr *ws.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Code, apiErr.Message)
	}
	fmt.Println(err)

	_, err = c.AddUser(context.Background(), ws.AddUserParams{Email: "a@example.com,b@example.com"})
	fmt.Println(errors.Is(err, ws.ErrInvalidInput), err)
	// Output:
	// 5 Task is invalid
	// worksection: subscribe: Task is invalid (code 5)
	// true worksection: add_user: invalid Email: want exactly one address, no lists or spaces
}
