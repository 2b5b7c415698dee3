// Package storedtoken is the JSON form in which token stores keep an OAuth2
// token: the oauth2.Token fields, its lifetime (expires_in, so that every
// process judges freshness alike) and the account URL from the token
// response, which the client needs to find the account.
package storedtoken

import (
	"encoding/json"
	"errors"
	"time"

	"golang.org/x/oauth2"
)

// ErrFormat reports stored bytes that are not a token this package wrote;
// the decoder's own error could quote them, and they hold the tokens.
var ErrFormat = errors.New("stored token is not the expected JSON")

type record struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	ExpiresIn    int64     `json:"expires_in,omitempty"` // the lifetime when issued, in seconds
	AccountURL   string    `json:"account_url,omitempty"`
}

// Marshal encodes tok, keeping its account_url extra.
func Marshal(tok *oauth2.Token) ([]byte, error) {
	if tok == nil || tok.AccessToken == "" {
		return nil, errors.New("no access token to store")
	}
	account, _ := tok.Extra("account_url").(string)
	return json.MarshalIndent(record{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken,
		TokenType: tok.TokenType, Expiry: tok.Expiry, ExpiresIn: tok.ExpiresIn, AccountURL: account}, "", "  ")
}

// Unmarshal decodes what Marshal wrote.
func Unmarshal(b []byte) (*oauth2.Token, error) {
	var r record
	if json.Unmarshal(b, &r) != nil || r.AccessToken == "" {
		return nil, ErrFormat
	}
	tok := &oauth2.Token{AccessToken: r.AccessToken, RefreshToken: r.RefreshToken, TokenType: r.TokenType, Expiry: r.Expiry, ExpiresIn: r.ExpiresIn}
	if r.AccountURL != "" {
		tok = tok.WithExtra(map[string]any{"account_url": r.AccountURL})
	}
	return tok, nil
}
